// Serves the built playground (www/dist) the way the edge serves it: Cloudflare's asset worker
// in real workerd through Miniflare, which reads _headers at the root of the assets directory
// for the security headers. A user worker answers whatever is not an asset (404), as the
// hookwall worker would for a GET. `under: "playground"` lays the assets out as the worker's
// build does (the page at /playground/), with _headers at the root of the assets directory.
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { cp, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const dist = `${root}www/dist`;

export async function serveDist({ under = "" } = {}) {
  let directory = dist;
  let tmp = null;
  if (under) {
    tmp = await mkdtemp(join(tmpdir(), "hookwall-assets-"));
    await cp(dist, join(tmp, under), { recursive: true });
    await rename(join(tmp, under, "_headers"), join(tmp, "_headers"));
    directory = tmp;
  }
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: 'export default { fetch() { return new Response("not an asset", { status: 404 }); } };',
      compatibilityDate: "2025-09-01",
      assets: { directory, routerConfig: { has_user_worker: true } },
      host: "127.0.0.1",
      port: 0,
      cf: false,
    }),
  );
  const url = await mf.ready;
  return {
    base: under ? `${url.href}${under}/` : url.href,
    close: async () => {
      await mf.dispose();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },
  };
}
