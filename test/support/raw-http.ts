import { connect, type Socket } from 'node:net';

/**
 * Writes `text` as it is on a fresh connection (requests fetch would refuse to send); resolves with
 * the status of the answer, or 'closed' when the connection ends without one.
 */
export function rawRequest(port: number, text: string | Buffer): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on('error', () => resolve('closed'));
    socket.on('close', () => resolve('closed'));
    socket.write(text);
  });
}

/** A request that never finishes arriving (its start only), held open until destroyed. */
export function trickle(port: number, start: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(start);
  return socket;
}
