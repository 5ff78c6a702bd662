/** The files the page offers to start from: each reads like a real deployment file. */
export interface Example {
  id: string;
  label: string;
  filename: string;
  text: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    id: "mixtral-a10g",
    label: "Mixtral 8x7B on one A10G (Kubernetes)",
    filename: "deploy/mixtral-chat.yaml",
    text: `# Mixtral 8x7B chat endpoint on a single g5.2xlarge (1 x A10G, 24 GB).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral-chat
  namespace: inference
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: mixtral-chat
  template:
    metadata:
      labels:
        app.kubernetes.io/name: mixtral-chat
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.2xlarge
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args:
            - --model
            - mistralai/Mixtral-8x7B-Instruct-v0.1
            - --max-model-len
            - "32768"
            - --port
            - "8000"
          ports:
            - containerPort: 8000
          resources:
            limits:
              nvidia.com/gpu: 1
              memory: 60Gi
`,
  },
  {
    id: "llama-l4-context",
    label: "Llama 3.1 8B on one L4, default context (Kubernetes)",
    filename: "deploy/llama-8b.yaml",
    text: `# Llama 3.1 8B on one L4. No --max-model-len: vLLM reserves the model's full 131,072 tokens.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama-8b
spec:
  replicas: 2
  selector:
    matchLabels:
      app: llama-8b
  template:
    metadata:
      labels:
        app: llama-8b
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-l4
      containers:
        - name: inference-server
          image: vllm/vllm-openai:v0.11.0
          command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]
          args: ["--port", "8000"]
          resources:
            limits:
              nvidia.com/gpu: "1"
`,
  },
  {
    id: "mixtral-h100",
    label: "Mixtral 8x7B on 2 × H100 at TP 2 (fits)",
    filename: "deploy/mixtral-h100.yaml",
    text: `# Mixtral 8x7B on 2 x H100 80GB with tensor parallelism 2 (GKE a3-highgpu node pool).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral-chat
spec:
  replicas: 2
  selector:
    matchLabels:
      app: mixtral-chat
  template:
    metadata:
      labels:
        app: mixtral-chat
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-h100-80gb
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          command: ["vllm", "serve"]
          args:
            - mistralai/Mixtral-8x7B-Instruct-v0.1
            - --tensor-parallel-size=2
            - --max-model-len=32768
          resources:
            limits:
              nvidia.com/gpu: "2"
`,
  },
  {
    id: "skypilot-qwen",
    label: "Qwen3 32B on L40S or H100 (SkyPilot)",
    filename: "sky/qwen3-32b.yaml",
    text: `# Qwen3-32B on whichever of L40S or H100 is available first.
envs:
  MODEL: Qwen/Qwen3-32B

resources:
  accelerators: {L40S:1, H100:1}
  ports: 8000

run: |
  vllm serve $MODEL --max-model-len 8192 --port 8000
`,
  },
  {
    id: "sagemaker-tf-json",
    label: "Llama 3.1 70B on a SageMaker endpoint (Terraform JSON)",
    filename: "infra/endpoint.tf.json",
    text: `{
  "resource": {
    "aws_sagemaker_model": {
      "llama": {
        "name": "llama-3-1-70b-instruct",
        "execution_role_arn": "\${aws_iam_role.sagemaker.arn}",
        "primary_container": [
          {
            "image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04",
            "environment": {
              "HF_MODEL_ID": "meta-llama/Llama-3.1-70B-Instruct",
              "MAX_INPUT_LENGTH": "4096",
              "MAX_TOTAL_TOKENS": "8192"
            }
          }
        ]
      }
    },
    "aws_sagemaker_endpoint_configuration": {
      "llama": {
        "name": "llama-3-1-70b-instruct-config",
        "production_variants": [
          {
            "variant_name": "AllTraffic",
            "model_name": "\${aws_sagemaker_model.llama.name}",
            "instance_type": "ml.g5.12xlarge",
            "initial_instance_count": 1
          }
        ]
      }
    }
  }
}
`,
  },
];
