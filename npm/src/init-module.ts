// Instantiates the core from a compiled `WebAssembly.Module` imported as a module: the way
// Cloudflare Workers (wrangler, workerd) and Next.js/Vercel edge runtimes load wasm, since
// they refuse to compile wasm from bytes at run time. `.wasm?module` is understood by
// wrangler's bundler and by Next.js; the file ships next to this entry.
import { initSync } from "./glue/hookwall_js.js";
// @ts-expect-error: a bundler-provided module (a WebAssembly.Module), not a file tsc reads.
import wasmModule from "./hookwall_js_bg.wasm?module";

initSync({ module: wasmModule as WebAssembly.Module });
