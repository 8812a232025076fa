// Calls Plexura's /api from the app's own pages, signed in by the session cookie.
//
// Every POST/PUT/PATCH/DELETE made with the cookie must carry the antiforgery token in the X-CSRF-TOKEN header
// (the server refuses it otherwise, see ApiForgeryProtectionMiddleware): apiFetch fetches the token once from
// GET /api/v1/antiforgery-token and adds it. Same-origin only: the token endpoint answers only this origin's pages.

const tokenPath = "/api/v1/antiforgery-token";
const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let pending = null;

async function antiforgery() {
    pending ??= fetch(tokenPath, { credentials: "same-origin", cache: "no-store" }).then(async response => {
        if (!response.ok) {
            throw new Error(`Could not get the antiforgery token (${response.status}).`);
        }
        return response.json();
    });
    try {
        return await pending;
    } catch (error) {
        pending = null;
        throw error;
    }
}

/** Drops the cached token, so the next change fetches a new one (after a refusal, e.g. once the server restarted). */
export function forgetAntiforgeryToken() {
    pending = null;
}

/** fetch() for /api with the session cookie and, on changes, the antiforgery header. */
export async function apiFetch(path, options = {}) {
    const method = (options.method ?? "GET").toUpperCase();
    const headers = new Headers(options.headers ?? {});
    if (unsafeMethods.has(method)) {
        const { token, headerName } = await antiforgery();
        headers.set(headerName, token);
    }
    return fetch(path, { ...options, method, headers, credentials: "same-origin" });
}

/** apiFetch with a JSON body. */
export function apiJson(path, method, body) {
    return apiFetch(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
