import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, judgedOf, lintFixture, writtenAt } from "./helpers.js";

describe("CloudFormation: SageMaker endpoints", () => {
  it("reports Mixtral on ml.g5.12xlarge at the instance parameter's default, says it assumed the defaults, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("cloudformation/sagemaker-mixtral-tgi.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 17, column: 14 }]);
    expect(messages[0]!.message).toBe(
      "Mixtral-8x7B-Instruct-v0.1 needs 95.6 GiB at bf16; 4 × A10G (ml.g5.12xlarge) have 81.0 GiB usable. Only 12.9B of its 46.7B parameters are active per token, but every expert must be resident. Assumes EndpointInstanceType at its default (ml.g5.12xlarge); ModelId at its default (mistralai/Mixtral-8x7B-Instruct-v0.1).",
    );
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    // The parameter's default is what a suggestion edits; instance types keep SageMaker's `ml.` prefix.
    expect(messages[0]!.suggestions!.map((suggestion) => suggestion.fix.text.split("\n")[0])).toEqual(["ml.g5.48xlarge", "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", "ml.g6e.12xlarge"]);
  });

  it("joins a variant to its model through !GetAtt and reads the TGI container's environment through !Ref", () => {
    const text = readFixture("cloudformation/sagemaker-mixtral-tgi.yaml");
    const [deployment] = deploymentsOf(text, "template.yaml");
    expect(deployment).toMatchObject({ format: "cloudformation", kind: "AWS::SageMaker::EndpointConfig", name: "MixtralEndpointConfig" });
    expect(deployment!.fields).toMatchObject({ engine: { value: "tgi", readonly: true }, tensorParallel: { value: 4 }, maxModelLen: { value: 32768 } });
    expect(writtenAt(text, deployment!, "model")).toBe("mistralai/Mixtral-8x7B-Instruct-v0.1");
    expect(writtenAt(text, deployment!, "instanceType")).toBe("ml.g5.12xlarge");
    expect(deployment!.assumptions).toEqual(["EndpointInstanceType at its default (ml.g5.12xlarge)", "ModelId at its default (mistralai/Mixtral-8x7B-Instruct-v0.1)"]);
  });

  it("reads a JSON template: Fn::GetAtt, LMI settings, a parameter whose AllowedValues keep its default from being edited, and a variant whose model is another stack's", () => {
    const { text, filename, messages } = lintFixture("cloudformation/llama-70b-lmi.template.json");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/unchecked-deployment", messageId: "definedElsewhere", line: 43, column: 26 }]);
    expect(messages[0]!.message).toBe('ModelName refers to "Fn::ImportValue ml-platform-cana…", defined outside this file, so this deployment was not checked.');
    const judged = judgedOf(text, filename);
    expect(judged.map((entry) => [entry.deployment.name, entry.status])).toEqual([
      ["LlamaEndpointConfig primary", "judged"],
      ["LlamaEndpointConfig canary", "incomplete"],
    ]);
    expect(judged[0]!.values).toMatchObject({ model: "meta-llama/Llama-3.1-70B-Instruct", instanceType: "ml.p4d.24xlarge", tensorParallel: 8, maxModelLen: 32768 });
    expect(judged[0]!.deployment.fields.instanceType).toMatchObject({ readonly: true });
    expect(judged[0]!.deployment.fields.model?.readonly).toBeUndefined();
  });

  it("leaves parameters without a default, !Sub with variables and !If unresolved, and never guesses the model", () => {
    const template = (instance: string, model: string, modelName = "!GetAtt M.ModelName") =>
      [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Parameters:",
        "  Instance: {Type: String}",
        "  Stage: {Type: String, Default: dev}",
        "Resources:",
        "  M:",
        "    Type: AWS::SageMaker::Model",
        "    Properties:",
        "      PrimaryContainer:",
        "        Image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04",
        "        Environment:",
        `          HF_MODEL_ID: ${model}`,
        "  C:",
        "    Type: AWS::SageMaker::EndpointConfig",
        "    Properties:",
        "      ProductionVariants:",
        `        - {VariantName: v, ModelName: ${modelName}, InstanceType: ${instance}, InitialInstanceCount: 1}`,
        "",
      ].join("\n");
    const unresolved = (text: string) => deploymentsOf(text, "template.yaml")[0]!.unresolved;
    expect(unresolved(template("!Ref Instance", "Qwen/Qwen2.5-7B-Instruct"))).toMatchObject({ instanceType: { raw: "!Ref Instance", reason: "variable" } });
    expect(unresolved(template("ml.g5.xlarge", '!Sub "org/${Stage}-model"'))).toMatchObject({ model: { raw: "org/${Stage}-model", reason: "variable" } });
    expect(unresolved(template("!If [Big, ml.g5.12xlarge, ml.g5.xlarge]", "Qwen/Qwen2.5-7B-Instruct"))).toMatchObject({ instanceType: { reason: "variable" } });
    expect(unresolved(template("ml.g5.xlarge", "Qwen/Qwen2.5-7B-Instruct", "other-stack-model"))).toMatchObject({ model: { raw: "other-stack-model", reason: "reference" } });
    expect(judgedOf(template("ml.g5.xlarge", "Qwen/Qwen2.5-7B-Instruct"), "template.yaml")[0]).toMatchObject({ status: "judged", values: { model: "Qwen/Qwen2.5-7B-Instruct", instanceType: "ml.g5.xlarge", engine: "tgi" } });
    // A container setting chosen by a condition is quoted as written.
    const lmi = template("ml.g5.12xlarge", "meta-llama/Llama-3.1-8B-Instruct")
      .replace("huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04", "djl-inference:0.31.0-lmi13.0.0-cu124")
      .replace("          HF_MODEL_ID:", '          OPTION_TENSOR_PARALLEL_DEGREE: !If [Big, "4", "1"]\n          HF_MODEL_ID:');
    expect(findings(lint(lmi, "template.yaml")).map((message) => message.message)).toEqual([
      'OPTION_TENSOR_PARALLEL_DEGREE is set at deploy time (!If [Big, "4", "1"]), so this deployment was not checked. Write the value here to have it checked.',
    ]);
  });

  it("takes suppressions from a resource's Metadata, where strict JSON has no comments", () => {
    const text = readFixture("cloudformation/sagemaker-mixtral-tgi.yaml");
    const on = (resource: string, entry: string) => text.replace(`  ${resource}:\n    Type:`, `  ${resource}:\n    Metadata:\n      ${entry}\n    Type:`);
    expect(findings(lint(on("MixtralEndpointConfig", '"vram.lint/ignore": "weights-fit: sized for the ml.p4d upgrade"'), "template.yaml"))).toEqual([]);
    expect(findings(lint(on("MixtralModel", '"vram.lint/ignore-weights-fit": "sized for the ml.p4d upgrade"'), "template.yaml"))).toEqual([]);
    // Without a reason it suppresses nothing, and says so.
    expect(findings(lint(on("MixtralEndpointConfig", '"vram.lint/ignore": "weights-fit"'), "template.yaml")).map((message) => message.messageId)).toEqual(["moeResident", "missingReason"]);
  });

  it("leaves templates without a SageMaker endpoint to the other readers", () => {
    const bucket = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Weights:\n    Type: AWS::S3::Bucket\n";
    expect(deploymentsOf(bucket, "template.yaml")).toEqual([]);
  });

  it("never throws on odd or random templates, tagged or JSON", () => {
    const tagged = [
      "Resources:\n  C:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n        - {ModelName: !GetAtt , InstanceType: !Ref C}\n",
      "Parameters:\n  P: {Default: !Ref P}\nResources:\n  C:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants: [{ModelName: !Ref C, InstanceType: !Ref P}, 5, null]\n",
      "Resources:\n  M: {Type: AWS::SageMaker::Model, Properties: {PrimaryContainer: {Environment: [1, 2]}}}\n  C: {Type: AWS::SageMaker::EndpointConfig, Properties: {ProductionVariants: [{ModelName: !Ref M, InstanceType: !Sub [x, {}]}]}}\n",
      "Resources:\n  C: {Type: 7}\n",
    ];
    for (const text of tagged) expect(() => findings(lint(text, "template.yaml"))).not.toThrow();
    const leaf = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 100 }), fc.boolean(), fc.constantFrom("", "M", "M.ModelName", "P", "ml.g5.2xlarge", "Qwen/Qwen2.5-7B-Instruct", "4", "${X}", "djl-inference:0.31.0-lmi13.0.0", "tgi"));
    const keys = fc.constantFrom("PrimaryContainer", "Containers", "Environment", "Image", "HF_MODEL_ID", "SM_NUM_GPUS", "OPTION_TENSOR_PARALLEL_DEGREE", "SM_VLLM_MAX_MODEL_LEN", "ProductionVariants", "InstanceType", "ModelName", "VariantName", "Ref", "Fn::GetAtt", "Fn::Sub", "Default", "AllowedValues", "Metadata", "vram.lint/ignore");
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(keys, tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(tree, tree, tree, fc.boolean(), (model, config, parameter, json) => {
        const template = {
          AWSTemplateFormatVersion: "2010-09-09",
          Parameters: { P: parameter },
          Resources: { M: { Type: "AWS::SageMaker::Model", Properties: model }, C: { Type: "AWS::SageMaker::EndpointConfig", Properties: config } },
        };
        findings(lint(JSON.stringify(template, null, 2), json ? "template.json" : "template.yaml"));
      }),
      { numRuns: 300 },
    );
  });
});
