// A Fedify server with one actor, for Baraza's interop tests (tests/interop/test_fedify.py).
//
// Fedify does the federation: WebFinger, the actor and its keys, inbox signature checks
// (draft-cavage and RFC 9421), signing and delivering. This file adds only what a test needs:
// an inbox that records what it verified and accepts every Follow, and a control API on the
// same port (`/_control/...`) to send an activity written by the test, fetch a document as the
// actor, and read what arrived. Run: node peer.mjs HOST PORT FIRST_KNOCK
import http from "node:http";

import {
  createFederation,
  exportJwk,
  generateCryptoKeyPair,
  importJwk,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Endpoints,
  Follow,
  isActor,
  Note,
  Person,
} from "@fedify/vocab";

const [host, port, firstKnock] = process.argv.slice(2);
const origin = `http://${host}:${port}`;
const federation = createFederation({
  kv: new MemoryKvStore(),
  origin,
  allowPrivateAddress: true, // the test servers live on loopback addresses
  firstKnock: firstKnock === "rfc9421" ? "rfc9421" : "draft-cavage-http-signatures-12",
});

const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const jwk = { privateKey: await exportJwk(keyPair.privateKey), publicKey: await exportJwk(keyPair.publicKey) };
const received = []; // every activity Fedify verified, as compact JSON-LD
const followers = new Map(); // follower id -> actor
const notes = new Map(); // note id -> JSON-LD document the test published

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "fred") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fred on Fedify",
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async () => [
    {
      privateKey: await importJwk(jwk.privateKey, "private"),
      publicKey: await importJwk(jwk.publicKey, "public"),
    },
  ]);

federation.setOutboxDispatcher("/users/{identifier}/outbox", async () => ({ items: [] }));
federation.setFollowersDispatcher("/users/{identifier}/followers", async () => ({
  items: [...followers.values()],
}));
federation.setObjectDispatcher(Note, "/notes/{id}", async (ctx, values) => {
  const doc = notes.get(ctx.getObjectUri(Note, values).href);
  return doc ? await Note.fromJsonLd(doc, ctx) : null;
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follow.objectId?.href !== ctx.getActorUri("fred").href) return;
    followers.set(follower.id.href, follower);
    await ctx.sendActivity({ identifier: "fred" }, follower, new Accept({
      id: new URL(`${origin}/accepts/${crypto.randomUUID()}`),
      actor: ctx.getActorUri("fred"),
      object: follow,
    }));
  })
  .on(Activity, record);

async function record(ctx, activity) {
  const entry = { activity: await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }) };
  // Fetch what the activity names, as Fred: a signed GET (authorized fetch must allow it).
  try {
    const loader = await ctx.getDocumentLoader({ identifier: "fred" });
    const object = await activity.getObject({ documentLoader: loader, contextLoader: ctx.contextLoader });
    entry.object = object ? await object.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader }) : null;
  } catch (error) {
    entry.objectError = String(error);
  }
  received.push(entry);
}

async function control(request, url) {
  const ctx = federation.createContext(request, undefined);
  if (url.pathname === "/_control/received") return Response.json(received);
  const body = await request.json();
  if (url.pathname === "/_control/fetch") {
    // A GET signed as Fred, as Fedify makes it (the document loader of an identity).
    const loader = await ctx.getDocumentLoader({ identifier: "fred" });
    try {
      return Response.json((await loader(body.url)).document);
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 502 });
    }
  }
  if (url.pathname === "/_control/send") {
    // Body: {activity: JSON-LD written by the test, to: actor URI}; Fedify parses, signs, sends.
    if (body.note) notes.set(body.note.id, body.note);
    const activity = await Activity.fromJsonLd(body.activity, ctx);
    const recipient = await ctx.lookupObject(body.to);
    if (!isActor(recipient)) return Response.json({ error: `no actor at ${body.to}` }, { status: 400 });
    try {
      await ctx.sendActivity({ identifier: "fred" }, recipient, activity, { immediate: true });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 502 });
    }
    return Response.json({ sent: activity.id?.href });
  }
  return new Response("not found", { status: 404 });
}

http
  .createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const url = new URL(req.url, origin);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks),
    });
    let response;
    try {
      response = url.pathname.startsWith("/_control/")
        ? await control(request, url)
        : await federation.fetch(request, { contextData: undefined });
    } catch (error) {
      response = Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  })
  .listen(Number(port), host, () => console.log(`fedify peer on ${origin}`));
