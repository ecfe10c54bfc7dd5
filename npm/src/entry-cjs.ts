// The CommonJS entry (Node's require, Bun, Node's ESM through index.mjs, old bundlers): the core
// from embedded bytes. The init module comes first, so the wasm is ready before the API runs.
import "./init-inline.js";
export * from "./index.js";
