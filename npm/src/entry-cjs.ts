// The CommonJS entry (Node's require, Bun, Node's ESM through index.mjs, old bundlers): the core
// from embedded bytes. The init module comes first, so the wasm is ready before the API runs.
// On Node and Bun, the core then computes with the host's native crypto (host-node.ts).
import "./init-inline.js";
import { installHostCrypto } from "./host-node.js";
installHostCrypto();
export * from "./index.js";
