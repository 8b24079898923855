/**
 * A pass-through HTTP proxy in front of the app that notes every request's method, path and
 * answer status, so a spec can count what a client really sent (the command-line uploader talks
 * to whatever `--url` names). Loopback only; bodies stream through untouched.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type SeenRequest = { method: string; path: string; status: number };

export type CountingProxy = {
  url: string;
  /** Requests answered so far, in the order their answers began. */
  seen: SeenRequest[];
  close: () => Promise<void>;
};

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", upstream).pathname;
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        seen.push({ method: req.method ?? "", path, status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      seen.push({ method: req.method ?? "", path, status: 502 });
      res.destroy();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
