// Drives a running Baraza with the client libraries real apps are built on: masto.js (Elk,
// Phanpy) and megalodon (Whalebird), through their start-up calls, secondary screens, every
// stream type and a Web Push subscription. Prints one JSON line per step:
// {"lib", "step", "ok", "detail"}; tests/clientlibs/test_js_clients.py runs it and asserts.
//
// Environment: BASE_URL, MEMBER and PASSWORD (the member the apps sign in as, through the
// OAuth pages as a person would), OTHER_TOKEN (another member's token, who posts, mentions
// and deletes so that events happen).

import { createRequire } from "node:module";
import http from "node:http";
import crypto from "node:crypto";
import { createRestAPIClient, createStreamingAPIClient } from "masto";

const require = createRequire(import.meta.url);
const megalodon = require("megalodon");
const ece = require("http_ece");

const BASE = process.env.BASE_URL;
const MEMBER = process.env.MEMBER;
const PASSWORD = process.env.PASSWORD;
const OTHER_TOKEN = process.env.OTHER_TOKEN;
const STEP_MS = 15000;
const SCOPES = "read write follow push";

const results = [];
function report(lib, step, ok, detail = "") {
  const line = { lib, step, ok, detail: String(detail).slice(0, 500) };
  results.push(line);
  process.stdout.write(JSON.stringify(line) + "\n");
}

async function step(lib, name, fn) {
  let timer;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${STEP_MS} ms`)), STEP_MS);
      }),
    ]);
    report(lib, name, true, detail ?? "");
    return true;
  } catch (error) {
    report(lib, name, false, error?.stack || error);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate, what, ms = 8000, seen = () => "") {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what} ${seen()}`);
}

function unescapeHtml(text) {
  return text
    .replaceAll("&#34;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

// The OAuth pages as a person uses them: open the authorize page, sign in, approve. Answers
// the code, from the redirect or (out-of-band) from the page that shows it.
async function authorize(clientId, redirectUri) {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: SCOPES,
  });
  const page = await fetch(`${BASE}/oauth/authorize?${query}`);
  check(page.ok, `authorize page answered ${page.status}`);
  const cookie = (page.headers.getSetCookie?.() ?? [page.headers.get("set-cookie")])
    .filter(Boolean)
    .map((c) => c.split(";")[0])
    .join("; ");
  const html = await page.text();
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1], unescapeHtml(match[2]));
  }
  form.set("username", MEMBER);
  form.set("password", PASSWORD);
  form.set("decision", "approve");
  const answer = await fetch(`${BASE}/oauth/authorize`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: form,
    redirect: "manual",
  });
  if (answer.status === 302 || answer.status === 303) {
    return new URL(answer.headers.get("location")).searchParams.get("code");
  }
  const shown = (await answer.text()).match(/<code id="code">([^<]+)<\/code>/);
  check(shown, `no code after signing in (status ${answer.status})`);
  return unescapeHtml(shown[1]);
}

// Events of one masto.js subscription, collected in the background.
function collect(subscription) {
  const events = [];
  (async () => {
    try {
      for await (const event of subscription) events.push(event);
    } catch (error) {
      events.push({ event: "__error", payload: String(error) });
    }
  })();
  return events;
}

// A phone's push service on loopback: keeps what arrives.
async function pushEndpoint() {
  const received = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(201);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, received, url: `http://127.0.0.1:${server.address().port}/push/phone` };
}

async function mastoJs() {
  const lib = "masto.js";
  const anonymous = createRestAPIClient({ url: BASE });
  const other = createRestAPIClient({ url: BASE, accessToken: OTHER_TOKEN });
  const redirectUri = "https://elk.example/callback";
  let app, token, masto, me, otherAccount, instance, streaming, listId, ownPost;

  if (!(await step(lib, "register app", async () => {
    app = await anonymous.v1.apps.create({ clientName: "Elk", redirectUris: redirectUri, scopes: SCOPES });
    check(app.clientId && app.clientSecret, "no client credentials");
    check(typeof app.vapidKey === "string" && app.vapidKey.length > 80, "no vapid_key");
  }))) return;
  if (!(await step(lib, "oauth code flow", async () => {
    const code = await authorize(app.clientId, redirectUri);
    const response = await fetch(`${BASE}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        grant_type: "authorization_code", code, client_id: app.clientId,
        client_secret: app.clientSecret, redirect_uri: redirectUri, scope: SCOPES,
      }),
    });
    const body = await response.json();
    check(body.access_token, JSON.stringify(body));
    token = body.access_token;
    masto = createRestAPIClient({ url: BASE, accessToken: token });
  }))) return;

  // Elk's and Phanpy's start-up calls.
  await step(lib, "instance v2", async () => {
    instance = await masto.v2.instance.fetch();
    check(instance.configuration.urls.streaming, "no streaming url");
    check(instance.configuration.vapid.publicKey === app.vapidKey, "vapid keys differ");
  });
  await step(lib, "instance v1", async () => {
    const v1 = await masto.v1.instance.fetch();
    check(v1.version.startsWith("4."), v1.version);
  });
  await step(lib, "verify credentials", async () => {
    me = await masto.v1.accounts.verifyCredentials();
    check(me.username === MEMBER, me.username);
  });
  await step(lib, "preferences", async () => {
    const prefs = await masto.v1.preferences.fetch();
    check("posting:default:visibility" in prefs, JSON.stringify(prefs));
  });
  await step(lib, "custom emojis", async () => check(Array.isArray(await masto.v1.customEmojis.list()), "not a list"));
  await step(lib, "filters v1", async () => check(Array.isArray(await masto.v1.filters.list()), "not a list"));
  await step(lib, "filters v2", async () => check(Array.isArray(await masto.v2.filters.list()), "not a list"));
  await step(lib, "lists", async () => check(Array.isArray(await masto.v1.lists.list()), "not a list"));
  await step(lib, "markers", async () => {
    const markers = await masto.v1.markers.fetch({ timeline: ["home", "notifications"] });
    check(typeof markers === "object", "no markers");
  });
  await step(lib, "notifications", async () => check(Array.isArray(await masto.v1.notifications.list()), "not a list"));
  await step(lib, "home timeline", async () => check(Array.isArray(await masto.v1.timelines.home.list()), "not a list"));
  await step(lib, "local timeline", async () => check(Array.isArray(await masto.v1.timelines.public.list({ local: true })), "not a list"));
  await step(lib, "follow", async () => {
    otherAccount = await masto.v1.accounts.lookup({ acct: (await other.v1.accounts.verifyCredentials()).acct });
    const relationship = await masto.v1.accounts.$select(otherAccount.id).follow();
    check(relationship.following || relationship.requested, JSON.stringify(relationship));
  });

  // Secondary screens: lists, filters, pins, grouped notifications.
  await step(lib, "list create, add account, timeline", async () => {
    const list = await masto.v1.lists.create({ title: "Lawyers", repliesPolicy: "list", exclusive: false });
    listId = list.id;
    await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [otherAccount.id] });
    const members = await masto.v1.lists.$select(list.id).accounts.list();
    check(members.some((a) => a.id === otherAccount.id), "account not in the list");
    check(Array.isArray(await masto.v1.timelines.list.$select(list.id).list()), "no list timeline");
    const renamed = await masto.v1.lists.$select(list.id).update({ title: "Counsel" });
    check(renamed.title === "Counsel", renamed.title);
  });
  await step(lib, "filter v2 create, keyword, delete", async () => {
    const filter = await masto.v2.filters.create({
      title: "Spoilers", context: ["home"], filterAction: "warn",
      keywordsAttributes: [{ keyword: "verdict", wholeWord: true }],
    });
    check(filter.keywords.some((k) => k.keyword === "verdict"), JSON.stringify(filter));
    const fetched = await masto.v2.filters.$select(filter.id).fetch();
    check(fetched.title === "Spoilers", fetched.title);
    await masto.v2.filters.$select(filter.id).remove();
  });
  await step(lib, "pin and pinned statuses", async () => {
    ownPost = await masto.v1.statuses.create({ status: "pinned notice from the harness" });
    const pinned = await masto.v1.statuses.$select(ownPost.id).pin();
    check(pinned.pinned === true, "not pinned");
    const listed = await masto.v1.accounts.$select(me.id).statuses.list({ pinned: true });
    check(listed.some((s) => s.id === ownPost.id), "pinned post not listed");
    await masto.v1.statuses.$select(ownPost.id).unpin();
  });

  // Every stream type, on one socket (masto.js multiplexes with subscribe messages).
  let streams;
  await step(lib, "streaming subscribe (user, notification, local, hashtag, direct, list)", async () => {
    streaming = createStreamingAPIClient({
      streamingApiUrl: instance.configuration.urls.streaming,
      accessToken: token,
    });
    streams = {
      user: collect(streaming.user.subscribe()),
      notification: collect(streaming.user.notification.subscribe()),
      local: collect(streaming.public.local.subscribe()),
      hashtag: collect(streaming.hashtag.subscribe({ tag: "hearing" })),
      direct: collect(streaming.direct.subscribe()),
      list: listId ? collect(streaming.list.subscribe({ list: listId })) : [],
    };
    // The socket opens and reads the subscribe messages in its own time: warm up until a
    // post reaches every post stream, so the steps below see events, not a race.
    for (let attempt = 0; attempt < 15; attempt++) {
      const warm = await other.v1.statuses.create({ status: "warming up #hearing" });
      await sleep(700);
      const reached = ["user", "local", "hashtag", ...(listId ? ["list"] : [])].every((name) =>
        streams[name].some((e) => e.event === "update" && e.payload.id === warm.id),
      );
      if (reached) return `ready after ${attempt + 1} warm-up post(s)`;
    }
    throw new Error("the streams never received a post");
  });
  let publicPost, dm;
  await step(lib, "stream events: update on user, local, hashtag, list", async () => {
    publicPost = await other.v1.statuses.create({ status: "court date set #hearing" });
    const arrived = (events) => events.some((e) => e.event === "update" && e.payload.id === publicPost.id);
    const seen = () => JSON.stringify(Object.fromEntries(
      Object.entries(streams).map(([k, v]) => [k, v.map((e) => [e.event, e.stream])]),
    ));
    await until(() => arrived(streams.user), "update on user", 8000, seen);
    await until(() => arrived(streams.local), "update on public:local");
    await until(() => arrived(streams.hashtag), "update on hashtag");
    if (listId) await until(() => arrived(streams.list), "update on list");
  });
  await step(lib, "stream events: notification on user:notification", async () => {
    await other.v1.statuses.create({ status: `@${MEMBER} please review` });
    await until(() => streams.notification.some((e) => e.event === "notification"), "notification");
    check(!streams.notification.some((e) => e.event === "update"), "an update on user:notification");
  });
  await step(lib, "stream events: conversation on direct", async () => {
    dm = await other.v1.statuses.create({ status: `@${MEMBER} privately`, visibility: "direct" });
    await until(
      () => streams.direct.some((e) => e.event === "conversation" && e.payload.lastStatus?.id === dm.id),
      "conversation on direct",
    );
  });
  await step(lib, "stream events: delete on every stream", async () => {
    await other.v1.statuses.$select(publicPost.id).remove();
    await other.v1.statuses.$select(dm.id).remove();
    const deleted = (events, id) => events.some((e) => e.event === "delete" && e.payload === id);
    await until(() => deleted(streams.user, publicPost.id), "delete on user");
    await until(() => deleted(streams.local, publicPost.id), "delete on public:local");
    await until(() => deleted(streams.hashtag, publicPost.id), "delete on hashtag");
    await until(() => deleted(streams.direct, dm.id), "delete on direct");
    if (listId) await until(() => deleted(streams.list, publicPost.id), "delete on list");
  });
  streaming?.close();

  await step(lib, "notifications v2 (grouped) and unread count", async () => {
    const grouped = await masto.v2.notifications.list();
    check(Array.isArray(grouped.notificationGroups), JSON.stringify(grouped).slice(0, 200));
    check(grouped.notificationGroups.some((g) => g.type === "mention"), "no mention group");
    const unread = await masto.v2.notifications.unreadCount.fetch();
    check(typeof unread.count === "number", JSON.stringify(unread));
  });

  // Web Push: subscribe with keys made here; a mention arrives, encrypted, and decrypts.
  await step(lib, "push subscription: encrypted mention decrypts", async () => {
    const endpoint = await pushEndpoint();
    try {
      const ecdh = crypto.createECDH("prime256v1");
      ecdh.generateKeys();
      const authSecret = crypto.randomBytes(16);
      const subscription = await masto.v1.push.subscription.create({
        subscription: {
          endpoint: endpoint.url,
          keys: { p256dh: ecdh.getPublicKey("base64url"), auth: authSecret.toString("base64url") },
        },
        data: { alerts: { mention: true }, policy: "all" },
      });
      check(subscription.serverKey === app.vapidKey, "server_key is not the app's vapid_key");
      check(subscription.alerts.mention === true, JSON.stringify(subscription.alerts));
      const fetched = await masto.v1.push.subscription.fetch();
      check(fetched.id === subscription.id, "fetch answered another subscription");
      await other.v1.statuses.create({ status: `@${MEMBER} the filing is due` });
      await until(() => endpoint.received.length > 0, "a push at the endpoint", 10000);
      const { headers, body } = endpoint.received[0];
      check(headers["content-encoding"] === "aes128gcm", headers["content-encoding"]);
      check(/^vapid t=.+, ?k=/.test(headers.authorization), headers.authorization);
      const plain = ece.decrypt(body, { version: "aes128gcm", privateKey: ecdh, authSecret });
      const payload = JSON.parse(plain.toString("utf8"));
      check(payload.notification_type === "mention", JSON.stringify(payload));
      check(payload.access_token === token, "payload carries another token");
      check(payload.body.includes("the filing is due"), payload.body);
      const updated = await masto.v1.push.subscription.update({ data: { alerts: { follow: true } } });
      check(updated.alerts.follow === true && updated.alerts.mention === true, JSON.stringify(updated.alerts));
      await masto.v1.push.subscription.remove();
      return payload.title;
    } finally {
      endpoint.server.close();
    }
  });
}

async function whalebird() {
  const lib = "megalodon";
  const generator = megalodon.default;
  const oob = "urn:ietf:wg:oauth:2.0:oob";
  let appData, token, client, other;

  await step(lib, "detector", async () => {
    const sns = await megalodon.detector(BASE);
    check(sns === "mastodon", `detected ${sns}`);
  });
  if (!(await step(lib, "register app", async () => {
    appData = await generator("mastodon", BASE).registerApp("Whalebird", {
      scopes: ["read", "write", "follow", "push"],
      redirect_uris: oob,
    });
    check(appData.client_id && appData.url, JSON.stringify(appData));
  }))) return;
  if (!(await step(lib, "oauth (out of band code)", async () => {
    const code = await authorize(appData.client_id, oob);
    const tokenData = await generator("mastodon", BASE).fetchAccessToken(
      appData.client_id, appData.client_secret, code, oob,
    );
    token = tokenData.access_token;
    check(token, JSON.stringify(tokenData));
    client = generator("mastodon", BASE, token);
    other = generator("mastodon", BASE, OTHER_TOKEN);
  }))) return;
  await step(lib, "verify credentials", async () => {
    const me = await client.verifyAccountCredentials();
    check(me.data.username === MEMBER, me.data.username);
  });
  await step(lib, "instance", async () => check((await client.getInstance()).data.uri, "no uri"));
  await step(lib, "home timeline", async () => check(Array.isArray((await client.getHomeTimeline()).data), "not a list"));
  await step(lib, "local timeline", async () => check(Array.isArray((await client.getLocalTimeline()).data), "not a list"));
  await step(lib, "notifications", async () => check(Array.isArray((await client.getNotifications()).data), "not a list"));
  await step(lib, "lists", async () => check(Array.isArray((await client.getLists()).data), "not a list"));
  await step(lib, "follow", async () => {
    const them = (await other.verifyAccountCredentials()).data;
    const relationship = (await client.followAccount(them.id)).data;
    check(relationship.following || relationship.requested, JSON.stringify(relationship));
  });

  const socket = async (open) => {
    const ws = await open();
    const events = [];
    for (const name of ["update", "notification", "delete", "conversation", "error"]) {
      ws.on(name, (payload) => events.push({ name, payload }));
    }
    await new Promise((resolve, reject) => {
      ws.on("connect", resolve);
      setTimeout(() => reject(new Error("no connect")), 5000);
    });
    return { ws, events };
  };
  await step(lib, "user, local and direct streaming: update, notification, conversation, delete", async () => {
    const user = await socket(() => client.userStreaming());
    const local = await socket(() => client.localStreaming());
    const direct = await socket(() => client.directStreaming());
    try {
      const post = (await other.postStatus(`@${MEMBER} whalebird sees this`)).data;
      const dm = (await other.postStatus(`@${MEMBER} direct to whalebird`, { visibility: "direct" })).data;
      await until(() => user.events.some((e) => e.name === "update" && e.payload.id === post.id), "update on user");
      await until(() => local.events.some((e) => e.name === "update" && e.payload.id === post.id), "update on local");
      await until(() => user.events.some((e) => e.name === "notification"), "notification on user");
      await until(() => direct.events.some((e) => e.name === "conversation"), "conversation on direct");
      await other.deleteStatus(post.id);
      await other.deleteStatus(dm.id);
      await until(() => user.events.some((e) => e.name === "delete" && e.payload === post.id), "delete on user");
      await until(() => local.events.some((e) => e.name === "delete" && e.payload === post.id), "delete on local");
      await until(() => direct.events.some((e) => e.name === "delete" && e.payload === dm.id), "delete on direct");
      const errors = [user, local, direct].flatMap((s) => s.events.filter((e) => e.name === "error"));
      check(errors.length === 0, JSON.stringify(errors.map((e) => String(e.payload))));
    } finally {
      for (const s of [user, local, direct]) s.ws.stop();
    }
  });
}

try {
  await whalebird();
  await mastoJs();
} catch (error) {
  report("harness", "crashed", false, error?.stack || error);
}
const failed = results.filter((r) => !r.ok).length;
process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
process.exit(0);
