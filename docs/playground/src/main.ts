/**
 * The playground page: an editor with line markers, the plugin's findings with their suggestions,
 * and each deployment's per-GPU memory bar. Everything runs in the page (engine.ts); the file never
 * leaves the browser. The text and settings live in the URL's fragment so a link shares them.
 */
import { type MemoryBar, SEGMENT_LABELS, type SegmentKind } from "../../../src/report/memory-bar.js";
import { gib } from "../../../src/report/wording.js";
import { applySuggestion, check, type DeploymentView, type Finding, type Level, lineDiff, type Report } from "./engine.js";
import { EXAMPLES } from "./examples.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const source = $<HTMLTextAreaElement>("source");
const highlights = $<HTMLPreElement>("highlights");
const gutter = $<HTMLDivElement>("gutter");
const exampleSelect = $<HTMLSelectElement>("example");
const filenameInput = $<HTMLInputElement>("filename");
const levelSelect = $<HTMLSelectElement>("level");
const findingsList = $<HTMLOListElement>("findings");
const deploymentsBox = $<HTMLDivElement>("deployments");
const appliedBox = $<HTMLDivElement>("applied");

let lastReport: Report | undefined;
let undo: { text: string; desc: string } | undefined;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The text with each finding's range marked (the worse severity where two overlap). */
function highlighted(text: string, findings: readonly Finding[]): string {
  const severityAt = new Uint8Array(text.length + 1);
  for (const finding of findings) for (let offset = finding.start; offset < Math.min(finding.end, text.length); offset++) severityAt[offset] = Math.max(severityAt[offset]!, finding.severity);
  let html = "";
  let start = 0;
  for (let offset = 1; offset <= text.length; offset++) {
    if (offset < text.length && severityAt[offset] === severityAt[start]) continue;
    const piece = escapeHtml(text.slice(start, offset));
    const severity = severityAt[start];
    html += severity ? `<mark class="${severity === 2 ? "error" : "warning"}">${piece}</mark>` : piece;
    start = offset;
  }
  // A final newline needs a character after it, or the overlay is one line short of the textarea.
  return `${html}\n`;
}

function renderEditor(text: string, findings: readonly Finding[]): void {
  highlights.innerHTML = highlighted(text, findings);
  const worst = new Map<number, number>();
  for (const finding of findings) for (let line = finding.line; line <= finding.endLine; line++) worst.set(line, Math.max(worst.get(line) ?? 0, finding.severity));
  const lines = text.split("\n").length;
  const rows: string[] = [];
  for (let line = 1; line <= lines; line++) {
    const severity = worst.get(line);
    const marker = severity ? `<span class="marker ${severity === 2 ? "error" : "warning"}" title="${severity === 2 ? "error" : "warning"}">●</span>` : `<span class="marker"></span>`;
    rows.push(`<div class="row${severity ? ` has-${severity === 2 ? "error" : "warning"}` : ""}" data-line="${line}">${marker}<span class="number">${line}</span></div>`);
  }
  gutter.innerHTML = rows.join("");
  syncScroll();
}

function syncScroll(): void {
  highlights.scrollTop = source.scrollTop;
  highlights.scrollLeft = source.scrollLeft;
  gutter.scrollTop = source.scrollTop;
}

function select(start: number, end: number): void {
  source.focus();
  source.setSelectionRange(start, end);
  const line = source.value.slice(0, start).split("\n").length;
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  source.scrollTop = Math.max(0, (line - 4) * lineHeight);
  syncScroll();
}

function renderFindings(findings: readonly Finding[], notice?: string): void {
  findingsList.replaceChildren();
  if (notice) {
    $("finding-count").textContent = "";
    findingsList.append(element("li", "empty notice-line", notice));
    return;
  }
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  $("finding-count").textContent = findings.length === 0 ? "none" : `${count(findings.filter((f) => f.severity === 2).length, "error")}, ${count(findings.filter((f) => f.severity === 1).length, "warning")}`;
  if (findings.length === 0) {
    findingsList.append(element("li", "empty", "No findings: every deployment below fits, or there is nothing to judge."));
    return;
  }
  findings.forEach((finding, index) => {
    const item = element("li", `finding ${finding.severity === 2 ? "error" : "warning"}`);
    item.dataset.index = String(index);
    const head = element("div", "finding-head");
    head.append(element("span", "badge", finding.severity === 2 ? "error" : "warning"));
    const where = element("button", "where", `${finding.line}:${finding.column}`);
    where.title = "Show in the file";
    where.addEventListener("click", () => select(finding.start, finding.end));
    head.append(where);
    if (finding.ruleId) {
      const rule = finding.docsUrl ? element("a", "rule", finding.ruleId) : element("span", "rule", finding.ruleId);
      if (rule instanceof HTMLAnchorElement) {
        rule.href = finding.docsUrl!;
        rule.target = "_blank";
        rule.rel = "noopener";
      }
      head.append(rule);
    }
    item.append(head, element("p", "message", finding.message));
    if (finding.suggestions.length > 0) {
      const list = element("div", "suggestions");
      for (const suggestion of finding.suggestions) {
        const button = element("button", "suggestion", suggestion.desc);
        button.title = "Apply this change to the file";
        button.addEventListener("click", () => {
          undo = { text: source.value, desc: suggestion.desc };
          source.value = applySuggestion(source.value, suggestion);
          update();
        });
        list.append(button);
      }
      item.append(list);
    }
    findingsList.append(item);
  });
}

const SEGMENTS: readonly SegmentKind[] = ["weights", "activations", "runtime", "kv", "free"];

function barElement(bar: MemoryBar): HTMLElement {
  const wrap = element("div", "bar-wrap");
  const track = element("div", "bar");
  track.setAttribute("role", "img");
  const percent = (bytes: number) => `${((bytes / bar.scaleBytes) * 100).toFixed(3)}%`;
  track.setAttribute("aria-label", bar.segments.filter((s) => s.bytes > 0).map((s) => `${s.label} ${gib(s.bytes)} GiB`).join(", "));
  for (const segment of bar.segments) {
    if (segment.bytes <= 0) continue;
    const part = element("div", `segment ${segment.kind}`);
    part.style.width = percent(segment.bytes);
    part.title = `${segment.label}: ${gib(segment.bytes)} GiB`;
    track.append(part);
  }
  wrap.append(track);
  const budget = element("div", "mark budget");
  budget.style.left = percent(bar.budgetBytes);
  budget.append(element("span", undefined, `budget ${gib(bar.budgetBytes)} GiB`));
  wrap.append(budget);
  if (bar.usedBytes > bar.memoryBytes) {
    const gpu = element("div", "mark gpu");
    gpu.style.left = percent(bar.memoryBytes);
    gpu.append(element("span", undefined, `GPU ${gib(bar.memoryBytes)} GiB`));
    const overflow = element("div", "overflow");
    overflow.style.left = percent(bar.memoryBytes);
    overflow.style.width = `calc(100% - ${percent(bar.memoryBytes)})`;
    overflow.append(element("span", undefined, `${gib(bar.usedBytes - bar.memoryBytes)} GiB more than the GPU has`));
    wrap.append(gpu, overflow);
  }
  const legend = element("ul", "legend");
  for (const kind of SEGMENTS) {
    const segment = bar.segments.find((s) => s.kind === kind)!;
    if (segment.bytes <= 0 && kind !== "kv") continue;
    const entry = element("li");
    entry.append(element("i", kind), document.createTextNode(`${SEGMENT_LABELS[kind]} ${gib(segment.bytes)} GiB`));
    legend.append(entry);
  }
  const figure = element("figure", "memory");
  figure.append(element("figcaption", undefined, `Per GPU: ${gib(bar.memoryBytes)} GiB`), wrap, legend);
  return figure;
}

function renderDeployments(deployments: readonly DeploymentView[]): void {
  deploymentsBox.replaceChildren();
  $("deployment-count").textContent = deployments.length === 0 ? "none found" : String(deployments.length);
  if (deployments.length === 0) {
    deploymentsBox.append(element("p", "empty", "No model deployment found in this file."));
    return;
  }
  for (const deployment of deployments) {
    const card = element("article", `deployment ${deployment.bar ? (deployment.fits ? "fits" : "misfit") : "unjudged"}`);
    const title = element("h3");
    title.append(document.createTextNode(`${deployment.title} `));
    const line = element("button", "where", `line ${deployment.line}`);
    line.addEventListener("click", () => {
      const start = source.value.split("\n").slice(0, deployment.line - 1).join("\n").length + (deployment.line > 1 ? 1 : 0);
      select(start, start);
    });
    title.append(line);
    card.append(title);
    if (deployment.layout) card.append(element("p", "layout", deployment.layout));
    if (deployment.verdict) card.append(element("p", "verdict", `${deployment.fits ? "✓" : "✗"} ${deployment.verdict}`));
    if (deployment.bar) card.append(barElement(deployment.bar));
    if (deployment.reason) card.append(element("p", "reason", `Not judged: ${deployment.reason}`));
    deploymentsBox.append(card);
  }
}

function renderApplied(): void {
  if (!undo) {
    appliedBox.hidden = true;
    return;
  }
  const changes = lineDiff(undo.text, source.value);
  appliedBox.hidden = false;
  appliedBox.replaceChildren();
  const head = element("div", "applied-head");
  head.append(element("strong", undefined, "Applied: "), document.createTextNode(undo.desc));
  const back = element("button", "undo", "Undo");
  back.addEventListener("click", () => {
    source.value = undo!.text;
    undo = undefined;
    update();
  });
  head.append(back);
  const diff = element("pre", "diff");
  const width = String(Math.max(...changes.map((change) => change.line), 1)).length;
  diff.append(...changes.map((change) => element("div", change.kind, `${String(change.line).padStart(width)} ${change.kind === "added" ? "+" : "-"} ${change.text}`)));
  appliedBox.append(head, element("p", "diff-where", "Changed lines (numbers before the change for -, after it for +):"), diff);
}

function saveToUrl(): void {
  const state = new URLSearchParams({ file: filenameInput.value, level: levelSelect.value, text: source.value });
  history.replaceState(null, "", `#${state.toString()}`);
}

function update(): void {
  const level = (levelSelect.value === "strict" ? "strict" : "recommended") as Level;
  lastReport = check(source.value, filenameInput.value.trim() || "deploy.yaml", level);
  renderEditor(source.value, lastReport.findings);
  renderFindings(lastReport.findings, lastReport.notice);
  renderDeployments(lastReport.deployments);
  renderApplied();
  saveToUrl();
  document.body.dataset.ready = "true";
}

function loadExample(id: string): void {
  const example = EXAMPLES.find((candidate) => candidate.id === id) ?? EXAMPLES[0]!;
  exampleSelect.value = example.id;
  filenameInput.value = example.filename;
  source.value = example.text;
  undo = undefined;
  update();
  revealFirstFinding();
}

/** Scroll the editor so the first finding's line is in view (on loading a file, not while typing). */
function revealFirstFinding(): void {
  const first = lastReport?.findings[0];
  if (!first) return;
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  const visibleLines = Math.floor(source.clientHeight / lineHeight);
  if (first.line > visibleLines - 2) source.scrollTop = (first.line - Math.floor(visibleLines / 2)) * lineHeight;
  syncScroll();
}

function start(): void {
  for (const example of EXAMPLES) exampleSelect.append(new Option(example.label, example.id));
  exampleSelect.append(new Option("(your file)", "custom"));
  const saved = new URLSearchParams(location.hash.slice(1));
  if (saved.has("text")) {
    filenameInput.value = saved.get("file") ?? "deploy.yaml";
    levelSelect.value = saved.get("level") === "strict" ? "strict" : "recommended";
    source.value = saved.get("text") ?? "";
    exampleSelect.value = EXAMPLES.find((example) => example.text === source.value)?.id ?? "custom";
    update();
    revealFirstFinding();
  } else {
    loadExample(saved.get("example") ?? EXAMPLES[0]!.id);
  }

  let pending: number | undefined;
  source.addEventListener("input", () => {
    exampleSelect.value = "custom";
    undo = undefined;
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  });
  source.addEventListener("scroll", syncScroll);
  exampleSelect.addEventListener("change", () => {
    if (exampleSelect.value !== "custom") loadExample(exampleSelect.value);
  });
  filenameInput.addEventListener("change", update);
  levelSelect.addEventListener("change", update);

  $("not-built").hidden = true;
  $("app").hidden = false;
}

start();
