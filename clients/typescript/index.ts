// Typed client for the Psi REST API.
//
//   import { createPsiClient } from "@psi/api-client";
//   const psi = createPsiClient("https://api.example.com", () => accessToken);
//   const { data, error } = await psi.GET("/api/v1/users/me");
//
// Request bodies, query parameters, answers and error envelopes are typed from
// schema.d.ts, which `npm run generate` writes from the repository's openapi.json
// (`psi openapi export` writes that from the running app's own schema).
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

export type { paths, components, operations } from "./schema";

export function createPsiClient(baseUrl: string, token?: () => string | undefined) {
  const client = createClient<paths>({ baseUrl });
  if (token) {
    const auth: Middleware = {
      onRequest({ request }) {
        const value = token();
        if (value) request.headers.set("Authorization", `Bearer ${value}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}
