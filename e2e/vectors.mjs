// The protocol vectors for the JS tests and benches: tests/vectors.json, the one copy
// (docs/protocol.md, "Test vectors"), read here and never restated.
import { readFileSync } from "node:fs";

export const VECTORS = JSON.parse(readFileSync(new URL("../tests/vectors.json", import.meta.url), "utf8"));
/** The two `whsec_` secrets, in the order the vectors index them. */
export const SECRETS = VECTORS.secrets;
/** The Standard Webhooks reference deliveries (`secret` indexes SECRETS). */
export const REFERENCE = VECTORS.reference;
/** The Gemini-shaped delivery: its id, timestamp, body, `v1` signatures per secret and `v1a`. */
export const GEMINI = VECTORS.gemini;
/** RFC 8032 test 1: the Ed25519 seed, its `whpk_` key and its JWKS entry. */
export const RFC8032 = VECTORS.rfc8032;
