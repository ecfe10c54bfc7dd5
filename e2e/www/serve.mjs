// Serves the built playground (www/dist) the way the edge serves it: Cloudflare's asset worker
// in real workerd through Miniflare, which reads www/dist/_headers for the security headers.
// A user worker answers whatever is not an asset (404), as the hookwall worker would for GET.
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const dist = `${root}www/dist`;

export async function serveDist() {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: 'export default { fetch() { return new Response("not an asset", { status: 404 }); } };',
      compatibilityDate: "2025-09-01",
      assets: { directory: dist, routerConfig: { has_user_worker: true } },
      host: "127.0.0.1",
      port: 0,
      cf: false,
    }),
  );
  const url = await mf.ready;
  return { base: url.href, close: () => mf.dispose() };
}
