// node:url for the browser bundle.
export function fileURLToPath(url) {
  return decodeURIComponent(String(url ?? "").replace(/^file:\/\//, ""));
}
export function pathToFileURL(path) {
  return new URL(`file://${encodeURI(String(path))}`);
}
export default { fileURLToPath, pathToFileURL };
