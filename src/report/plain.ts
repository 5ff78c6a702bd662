/**
 * How numbers and names read in sentences, in one leaf module the estimator and resolution (their
 * assumption notes) and every report share: GiB with one decimal, tokens with thousands separators,
 * parameter counts as 46.7B, GPU names without the catalog's variant notes.
 */
import { GIB } from "../sizing/runtime.js";
import type { GpuEntry } from "../catalog/types.js";

type GpuVendor = GpuEntry["vendor"];

/** Longest message a finding may have: readable in the Problems panel and one line of a CI log. */
export const MESSAGE_LIMIT = 320;

/** Longest first sentence (the verdict and its deciding numbers) a message may lead with. */
export const FIRST_SENTENCE_LIMIT = 120;

/** The first sentence of a message: up to the first period followed by a space (or the end). */
export function firstSentence(message: string): string {
  const end = message.search(/\.(?:\s|$)/);
  return end < 0 ? message : message.slice(0, end + 1);
}

export function gib(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}

/** 131072 → "131,072" (toLocaleString is an order of magnitude slower, and this runs per finding). */
export function tokens(count: number): string {
  return thousands(Math.floor(count));
}

/** Groups of three digits, one pass (a lookahead pattern rescans the rest of the number at every digit). */
export function thousands(value: number): string {
  const text = String(value);
  if (!/^-?\d+$/.test(text)) return text;
  const sign = text.startsWith("-") ? "-" : "";
  const digits = sign ? text.slice(1) : text;
  let grouped = "";
  for (let end = digits.length; end > 0; end -= 3) grouped = `${digits.slice(Math.max(0, end - 3), end)}${grouped ? `,${grouped}` : ""}`;
  return sign + grouped;
}

/** 46_702_792_704 → "46.7B"; 1.23e9 → "1.2B"; 560e6 → "560M"; 1.5e12 → "1.5T"; 1e13 → "10T". */
export function params(count: number): string {
  if (count >= 1e12) return `${count >= 1e13 ? (count / 1e12).toFixed(0) : withoutTrailingZeros((count / 1e12).toFixed(2))}T`;
  if (count >= 1e9) return `${(count / 1e9).toFixed(count >= 1e11 ? 0 : 1)}B`;
  return `${Math.round(count / 1e6)}M`;
}

/** "1.50" → "1.5", "2.00" → "2" (a number with a fraction part only). */
function withoutTrailingZeros(fixed: string): string {
  if (!fixed.includes(".")) return fixed;
  let end = fixed.length;
  while (fixed[end - 1] === "0") end--;
  if (fixed[end - 1] === ".") end--;
  return fixed.slice(0, end);
}

/** Concurrency with one decimal below 10 (3.9×), whole above. */
export function concurrency(value: number): string {
  return value >= 10 ? thousands(Math.floor(value)) : (Math.floor(value * 10) / 10).toFixed(1);
}

/** "NVIDIA H100 80GB (SXM5 HBM3 / PCIe)" → "NVIDIA H100 80GB": the catalog's variant notes stay out of sentences. */
export function gpuName(gpu: { name: string }): string {
  const name = gpu.name.trimEnd();
  const open = name.lastIndexOf("(");
  return name.endsWith(")") && open >= 0 && !name.slice(open + 1, -1).includes(")") ? name.slice(0, open).trimEnd() : name;
}

/** A GPU as a verdict names it: without the vendor either (`NVIDIA A100 80GB` → `A100 80GB`). */
export function shortGpuName(gpu: { name: string }): string {
  const name = gpuName(gpu);
  return name.startsWith("NVIDIA ") ? name.slice("NVIDIA ".length) : name;
}

/** What one of a vendor's accelerators is called (`GPU`, `TPU`). */
export function deviceNoun(vendor: GpuVendor): string {
  return vendor === "google" ? "TPU" : vendor === "aws" ? "Neuron device" : "GPU";
}

/** A vendor's accelerators as messages name them (`NVIDIA GPU`, `Google TPU`). */
export function vendorDevice(vendor: GpuVendor): string {
  const names: Record<GpuVendor, string> = { nvidia: "NVIDIA", amd: "AMD", intel: "Intel", apple: "Apple", google: "Google", aws: "AWS" };
  return `${names[vendor]} ${deviceNoun(vendor)}`;
}
