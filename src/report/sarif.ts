/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) from ESLint results, for GitHub
 * code scanning and other SARIF viewers: one run, one rule descriptor per rule that reported (with
 * `helpUri`), results located by line and column relative to the project root (`%SRCROOT%`), and each
 * suggestion as a SARIF fix. Written here rather than taken from a formatter package so that nothing
 * beyond the plugin's own dependencies enters a user's tree. Pure.
 */
import { relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { ArtifactLocation, Fix, Log, ReportingDescriptor, Result } from "sarif";

/** The parts of an ESLint `LintResult` and `RuleMetaData` the log needs. */
export interface SarifLintResult {
  filePath: string;
  messages: Array<{
    ruleId: string | null;
    severity: number;
    message: string;
    line?: number;
    column?: number;
    endLine?: number;
    endColumn?: number;
    fatal?: boolean;
    suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
  }>;
}

export interface SarifRuleMeta {
  docs?: { description?: string; url?: string };
  type?: string;
}

export interface SarifTool {
  name: string;
  version: string;
  informationUri: string;
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const SOURCE_ROOT = "%SRCROOT%";

/** A folder as a file URI ending in `/`, as SARIF's `originalUriBaseIds` need. */
function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith("/") ? href : `${href}/`;
}

/** A file relative to the project root when it is inside it (portable across checkouts), else its absolute file URI. */
function artifactLocation(filePath: string, root: string): { uri: string; uriBaseId?: string } {
  const inside = relative(root, filePath);
  if (inside && !inside.startsWith("..") && !/^[A-Za-z]:/.test(inside) && !inside.startsWith(sep)) {
    return { uri: inside.split(sep).map(encodeURIComponent).join("/"), uriBaseId: SOURCE_ROOT };
  }
  return { uri: pathToFileURL(filePath).href };
}

export function toSarif(results: readonly SarifLintResult[], rulesMeta: Readonly<Record<string, SarifRuleMeta | undefined>>, root: string, tool: SarifTool): object {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const artifacts: Array<{ location: ArtifactLocation }> = [];
  const sarifResults: Result[] = [];

  const ruleFor = (ruleId: string): number => {
    let index = ruleIndex.get(ruleId);
    if (index === undefined) {
      const meta = rulesMeta[ruleId];
      index = rules.length;
      ruleIndex.set(ruleId, index);
      rules.push({
        id: ruleId,
        ...(meta?.docs?.description ? { shortDescription: { text: meta.docs.description } } : {}),
        ...(meta?.docs?.url ? { helpUri: meta.docs.url } : {}),
        ...(meta?.type ? { properties: { category: meta.type } } : {}),
      });
    }
    return index;
  };

  for (const result of results) {
    if (result.messages.length === 0) continue;
    const location = artifactLocation(result.filePath, root);
    const artifactIndex = artifacts.length;
    artifacts.push({ location });
    const artifact: ArtifactLocation = { ...location, index: artifactIndex };
    for (const message of result.messages) {
      const region: Record<string, number> = {};
      if (message.line !== undefined && message.line >= 1) {
        region.startLine = message.line;
        if (message.column !== undefined && message.column >= 1) region.startColumn = message.column;
        if (message.endLine !== undefined && message.endLine >= message.line) {
          region.endLine = message.endLine;
          if (message.endColumn !== undefined && message.endColumn >= 1 && (message.endLine > message.line || message.endColumn >= (region.startColumn ?? 1))) region.endColumn = message.endColumn;
        }
      }
      const fixes = (message.suggestions ?? []).map((suggestion): Fix => ({
        description: { text: suggestion.desc },
        artifactChanges: [
          {
            artifactLocation: artifact,
            replacements: [
              {
                deletedRegion: { charOffset: suggestion.fix.range[0], charLength: suggestion.fix.range[1] - suggestion.fix.range[0] },
                insertedContent: { text: suggestion.fix.text },
              },
            ],
          },
        ],
      }));
      sarifResults.push({
        ...(message.ruleId ? { ruleId: message.ruleId, ruleIndex: ruleFor(message.ruleId) } : {}),
        level: message.severity === 2 ? "error" : message.severity === 1 ? "warning" : "note",
        message: { text: message.message },
        locations: [{ physicalLocation: { artifactLocation: artifact, ...(Object.keys(region).length > 0 ? { region } : {}) } }],
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  }

  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, informationUri: tool.informationUri, rules } },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: folderUri(root) } },
        columnKind: "utf16CodeUnits",
        artifacts,
        results: sarifResults,
      },
    ],
  };
  return log;
}
