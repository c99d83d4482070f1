// While a tile's thumbnail loads, its ThumbHash (data-thumbhash, a few bytes in the page)
// is shown in its place: the photo's colours and shape, blurred. The picture is a data:
// URL set through the CSSOM, which the CSP allows (img-src has data:); the thumbnail
// covers it once decoded.

const script = document.querySelector("script[data-thumbhash-module]");
const grid = document.querySelector("[data-photo-grid]");

async function start() {
  if (!script || !grid) return;
  const { thumbHashToDataURL } = await import(script.dataset.thumbhashModule);
  const paint = () => {
    grid.querySelectorAll("a.tile[data-thumbhash]:not([data-placeholder])").forEach((tile) => {
      tile.dataset.placeholder = "";
      const img = tile.querySelector("img");
      if (img && img.complete && img.naturalWidth) return; // already there
      try {
        const bytes = Uint8Array.from(atob(tile.dataset.thumbhash), (c) => c.charCodeAt(0));
        tile.style.backgroundImage = `url(${thumbHashToDataURL(bytes)})`;
      } catch {
        // A hash we cannot read leaves the plain background.
      }
    });
  };
  grid.addEventListener("tiles-added", paint);
  paint();
  grid.dataset.placeholdersReady = "true";
}

start();
