// Raw HTTP over a TCP socket on 127.0.0.1, for requests fetch() refuses to send (no Host, an empty
// or invalid Host, HTTP/1.0). Bounded: the reply is whatever arrived when the server closed, or
// when the time limit passed.
import { connect } from "node:net";

export interface RawReply {
  status: number;
  headers: string;
  body: string;
}

export function rawRequest(url: string, text: string, limitMs = 2000): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let out = "";
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const split = out.indexOf("\r\n\r\n");
      const head = split === -1 ? out : out.slice(0, split);
      resolve({
        status: Number(head.split(" ")[1] ?? 0),
        headers: head,
        body: split === -1 ? "" : out.slice(split + 4),
      });
    };
    const socket = connect(Number(port), hostname, () => socket.write(text));
    const timer = setTimeout(done, limitMs);
    socket.on("data", (d) => (out += d.toString()));
    socket.on("close", done);
    socket.on("error", done);
  });
}
