// Switches the light/dark palette (the plx-dark class on <html> selects the dark variables of /theme.css) and remembers
// the choice in a cookie the server reads, so the next page is drawn in it from the start.

/** Applies the choice to this page and stores it for a year; no server-side meaning beyond the theme. */
export function remember(dark) {
    document.documentElement.classList.toggle("plx-dark", dark);
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `plexura-theme=${dark ? "dark" : "light"}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}
