/**
 * The files the HCL language reads: Terraform's `.tf` and `.tfvars` (variable values: a preset applied
 * with `-var-file` names a model and its GPUs as an app config does; `terraform.tfvars.example`, the
 * copy a repository commits for its users to fill in, too), and Nomad's job specifications
 * (`.nomad.hcl`, `.nomad`), HCL too. One list, for the configs' globs and for `vram explain`, which
 * parses by name.
 */
const HCL_FILE_SUFFIXES = [".tf", ".tfvars", ".tfvars.example", ".nomad.hcl", ".nomad"];

export const HCL_FILES = HCL_FILE_SUFFIXES.map((suffix) => `**/*${suffix}`);

export function isHclPath(path: string): boolean {
  const lower = path.toLowerCase();
  return HCL_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
