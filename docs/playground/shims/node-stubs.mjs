// Node modules the CLI side of src/explain.ts and the HCL folder reader import; the page calls none of them.
const unavailable = () => {
  throw new Error("not available in the browser");
};
export const closeSync = unavailable;
export const fstatSync = unavailable;
export const openSync = unavailable;
export const readSync = unavailable;
export const existsSync = () => false;
export const statSync = unavailable;
export const readFileSync = unavailable;
export const readdirSync = () => [];
export const parseArgs = unavailable;
export default {};
