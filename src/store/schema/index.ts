export * from './delivery.js';
export * from './oncall.js';
export * from './organizations.js';
export * from './people.js';
export * from './sandbox.js';
export * from './tickets.js';
