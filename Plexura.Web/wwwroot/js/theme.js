// Remembers the light/dark choice in a cookie the server reads, so the next page is drawn in it from the start.

/** Stores the choice for a year; no server-side meaning beyond the theme. */
export function remember(dark) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `plexura-theme=${dark ? "dark" : "light"}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}
