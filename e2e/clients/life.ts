// A mobile app's whole life with Pikoshi in TypeScript: openapi-fetch over the types that
// openapi-typescript generates from /_allauth/openapi.json (allauth.d.ts) and /api/schema/
// (pikoshi.d.ts). Type-checked with `tsc --noEmit` under `strict` by `e2e/clients/check.sh`:
// every request and answer is typed by the documents, with no `as` and no `any`.
import createClient from "openapi-fetch";
import type { components as AccountTypes, paths as AccountPaths } from "./generated/allauth";
import type { components as ApiTypes, paths as ApiPaths } from "./generated/pikoshi";

type Meta = AccountTypes["schemas"]["BaseAuthenticationMeta"];
type Photo = ApiTypes["schemas"]["Photo"];

export interface Tokens {
  session: string;
  access: string;
  refresh: string;
}

export interface LifeInput {
  email: string;
  password: string;
  emailedCode: () => Promise<string>;
  authenticatorCode: (secret: string) => string;
  images: Blob[];
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the answer has no ${what}`);
  return value;
}

function tokensOf(meta: Meta): Tokens {
  return {
    session: present(meta.session_token, "session_token"),
    access: present(meta.access_token, "access_token"),
    refresh: present(meta.refresh_token, "refresh_token"),
  };
}

export async function live(baseUrl: string, input: LifeInput): Promise<Photo[]> {
  const accounts = createClient<AccountPaths>({ baseUrl });
  const app: { path: { client: "app" } } = { path: { client: "app" } };
  const session = (token: string) => ({ "X-Session-Token": token });

  // Sign up: a 401 naming the pending email verification, and a session token.
  const signup = await accounts.POST("/_allauth/{client}/v1/auth/signup", {
    params: app,
    body: { email: input.email, password: input.password },
  });
  if (signup.error?.status !== 401) throw new Error("sign-up did not wait for the code");
  const pending = signup.error.data.flows.filter((flow) => flow.is_pending === true);
  if (pending[0]?.id !== "verify_email") throw new Error("no email verification pending");
  const verified = await accounts.POST("/_allauth/{client}/v1/auth/email/verify", {
    params: app,
    headers: session(present(signup.error.meta.session_token, "session_token")),
    body: { key: await input.emailedCode() },
  });
  if (!verified.data) throw new Error("the emailed code was refused");
  const userId: string = verified.data.data.user.id ?? "";

  // Sign in with the password; confirm it again, then turn on an authenticator app.
  const login = await accounts.POST("/_allauth/{client}/v1/auth/login", {
    params: app,
    body: { email: input.email, password: input.password },
  });
  if (!login.data) throw new Error("sign-in was refused");
  const signedIn = tokensOf(login.data.meta);
  await accounts.POST("/_allauth/{client}/v1/auth/reauthenticate", {
    params: app,
    headers: session(signedIn.session),
    body: { password: input.password },
  });
  const offer = await accounts.GET("/_allauth/{client}/v1/account/authenticators/totp", {
    params: app,
    headers: session(signedIn.session),
  });
  if (offer.error?.status !== 404) throw new Error("an authenticator is already on");
  const secret = offer.error.meta.secret;
  const activated = await accounts.POST("/_allauth/{client}/v1/account/authenticators/totp", {
    params: app,
    headers: session(signedIn.session),
    body: { code: input.authenticatorCode(secret) },
  });
  if (!activated.data) throw new Error("the authenticator was not turned on");
  await accounts.DELETE("/_allauth/{client}/v1/auth/session", {
    params: app,
    headers: session(signedIn.session),
  });

  // Sign in with the password and the authenticator's code.
  const again = await accounts.POST("/_allauth/{client}/v1/auth/login", {
    params: app,
    body: { email: input.email, password: input.password },
  });
  if (again.error?.status !== 401) throw new Error("no second step was asked for");
  const twoFactor = await accounts.POST("/_allauth/{client}/v1/auth/2fa/authenticate", {
    params: app,
    headers: session(present(again.error.meta.session_token, "session_token")),
    body: { code: input.authenticatorCode(secret) },
  });
  if (!twoFactor.data) throw new Error("the authenticator code was refused");
  const tokens = tokensOf(twoFactor.data.meta);
  const api = createClient<ApiPaths>({
    baseUrl,
    headers: { Authorization: `Bearer ${tokens.access}` },
  });
  const me = await api.GET("/api/auth/context/");
  if (me.data?.uuid !== userId) throw new Error("the API does not know who signed in");

  // Upload, then page through the timeline by cursor.
  const uploaded: string[] = [];
  for (const [number, image] of input.images.entries()) {
    const { data } = await api.POST("/api/photos/", {
      body: { file: image, title: `Photo ${number}` },
      bodySerializer(body) {
        const form = new FormData();
        form.append("file", body.file, `photo-${number}.jpg`);
        if (body.title !== undefined) form.append("title", body.title);
        return form;
      },
    });
    uploaded.push(present(data, "uploaded photo").id);
  }
  const timeline: Photo[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await api.GET("/api/photos/", {
      params: { query: { limit: 2, cursor } },
    });
    const page = present(data, "page");
    timeline.push(...page.results);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);

  // An album, a share link to it, revoked.
  const created = await api.POST("/api/albums/", { body: { title: "Holiday" } });
  const album = present(created.data, "album");
  const link = await api.POST("/api/albums/{public_id}/links/", {
    params: { path: { public_id: album.id } },
    body: { label: "Family" },
  });
  const linkId = present(link.data, "link").id;
  await api.DELETE("/api/share-links/{link_id}/", { params: { path: { link_id: linkId } } });

  // Trash a photo, find it in the trash, restore it.
  const first = present(uploaded[0], "first upload");
  await api.DELETE("/api/photos/{public_id}/", { params: { path: { public_id: first } } });
  const trash = present((await api.GET("/api/trash/")).data, "trash");
  if (!trash.results.some((photo) => photo.id === first)) throw new Error("not in the trash");
  const restored = await api.POST("/api/photos/{public_id}/restore/", {
    params: { path: { public_id: first } },
  });
  if (restored.data?.deleted_at !== null) throw new Error("the photo was not restored");

  // Renew the pair, as an app does when the access token nears its expiry.
  const renewed = await api.POST("/api/auth/token/refresh/", { body: { refresh: tokens.refresh } });
  if (renewed.data?.mode !== "bearer") throw new Error("no bearer pair came back");
  const fresh = createClient<ApiPaths>({
    baseUrl,
    headers: { Authorization: `Bearer ${renewed.data.access}` },
  });

  // Sign out: the token pair and the allauth session end together.
  await fresh.POST("/api/auth/logout/", {
    params: { header: { "X-Session-Token": tokens.session } },
    body: { refresh: renewed.data.refresh },
  });
  const after = await fresh.GET("/api/auth/context/");
  if (after.response.status !== 401) throw new Error("the access token still works");
  return timeline;
}
