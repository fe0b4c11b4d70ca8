import type { ChatDelivery } from './chat.js';
import type { HttpServer } from './http.js';

/** A chat platform plugged into tierdesk: inbound handlers plus the outbound delivery. */
export interface ChatAdapter {
  readonly delivery: ChatDelivery;
  /** Adds the platform's HTTP endpoints to the bot's one server (no-op for socket transports). */
  mount(http: HttpServer): void;
  /** Opens long-lived connections (Socket Mode, gateways). */
  start(): Promise<void>;
  stop(): Promise<void>;
}
