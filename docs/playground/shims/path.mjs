// node:path for the browser bundle: POSIX paths, the few functions the bundled code calls.
export const sep = "/";
export function basename(path, ext) {
  const base = String(path).replace(/\/+$/, "").split("/").pop() ?? "";
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}
export function extname(path) {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}
export function dirname(path) {
  const text = String(path);
  const slash = text.lastIndexOf("/");
  return slash > 0 ? text.slice(0, slash) : slash === 0 ? "/" : ".";
}
export function normalize(path) {
  const absolute = String(path).startsWith("/");
  const parts = [];
  for (const part of String(path).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else if (part !== ".." || !absolute) parts.push(part);
  }
  return (absolute ? "/" : "") + parts.join("/") || (absolute ? "/" : ".");
}
export function join(...parts) {
  return normalize(parts.filter((part) => part !== "").join("/"));
}
export function resolve(...parts) {
  let path = "";
  for (const part of parts) path = String(part).startsWith("/") ? part : `${path}/${part}`;
  return normalize(path.startsWith("/") ? path : `/${path}`);
}
export function relative(from, to) {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}
export function isAbsolute(path) {
  return String(path).startsWith("/");
}
export const posix = { sep, basename, extname, dirname, normalize, join, resolve, relative, isAbsolute };
export default posix;
