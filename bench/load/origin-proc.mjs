// The load test's origin in its own process (so the load generator and the origin do not share
// one Node thread): demo/origin.mjs's real origin, verifying every hop with standardwebhooks.
// Parent messages: "stats" -> { received: [ids], badSignatures, attempts }; "close" -> exits.
import { startOrigin } from "../../demo/origin.mjs";

const origin = await startOrigin({ secret: process.env.ORIGIN_SECRET });
process.send({ url: origin.url });
process.on("message", async (m) => {
  if (m === "stats") {
    process.send({ received: origin.received.map((e) => e.id), badSignatures: origin.badSignatures, attempts: origin.attempts, connections: origin.connections });
    origin.received.length = 0; // the parent holds them now; keeps the origin's memory flat
  } else if (m === "close") {
    await origin.close();
    process.exit(0);
  }
});
