#!/usr/bin/python3
"""Regenerates the ONNX models of tests/data/onnx and their expected layers (dev-time only).

Needs Debian's python3-torch, python3-torchvision and python3-onnx (apt-get install
python3-torch python3-torchvision python3-onnx); neither adse nor its tests or CI need them:
the .onnx files and the *.expected.json files beside them are committed.

    /usr/bin/python3 tests/data/onnx/make_models.py

Every model is exported by torch.onnx.export (opset 13, do_constant_folding=False, as the
issue asks). The expected layers are computed independently of adse, by PyTorch itself:
forward hooks on every Conv1d/Conv2d and Linear record the shapes PyTorch saw, and each
nn.MultiheadAttention adds what F.multi_head_attention_forward computes (its packed input
projection, the per-head products Q K^T and (softmax) V, and the output projection) by
hand from the query's shape. MACs per layer are counted from the tensors (output elements
x kernel volume x input channels per group; rows x in_features x out_features), not from
adse's dimensions. The dimensions are written in adse's convention (docs/networks.md):
R/P/Wstride/Wdilation along the width (last axis), S/Q/Hstride/Hdilation along the height,
M the output channels (timeloop-accelergy-exercises' CNN-Layer, the seed's shape), G for
groups and batched products; a matrix product rows x inner x cols is P x C x M.
"""
import collections
import json
import os

import onnx
import onnx.shape_inference
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def instance(**dims):
    inst = dict(C=1, M=1, R=1, S=1, N=1, P=1, Q=1)
    inst.update(Wstride=1, Hstride=1, Wdilation=1, Hdilation=1)
    inst.update(dims)
    return inst


class Recorder:
    """Forward hooks collecting the compute layers PyTorch runs."""

    def __init__(self, model):
        self.layers = []
        for m in model.modules():
            if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear, nn.MultiheadAttention)):
                m.register_forward_hook(self.hook)

    def add(self, op, inst, macs):
        self.layers.append((op, inst, macs))

    def hook(self, m, args, out):
        x = args[0]
        if isinstance(m, nn.Conv2d):
            g = m.groups
            inst = instance(N=x.shape[0], C=m.in_channels // g, M=m.out_channels // g,
                            S=m.kernel_size[0], R=m.kernel_size[1],
                            Q=out.shape[2], P=out.shape[3],
                            Hstride=m.stride[0], Wstride=m.stride[1],
                            Hdilation=m.dilation[0], Wdilation=m.dilation[1])
            if g > 1:
                inst["G"] = g
            macs = out.numel() * (m.in_channels // g) * m.kernel_size[0] * m.kernel_size[1]
            self.add("Conv", inst, macs)
        elif isinstance(m, nn.Conv1d):
            g = m.groups
            inst = instance(N=x.shape[0], C=m.in_channels // g, M=m.out_channels // g,
                            R=m.kernel_size[0], P=out.shape[2], Wstride=m.stride[0],
                            Wdilation=m.dilation[0])
            if g > 1:
                inst["G"] = g
            macs = out.numel() * (m.in_channels // g) * m.kernel_size[0]
            self.add("Conv", inst, macs)
        elif isinstance(m, nn.Linear):
            rows = x.numel() // m.in_features
            self.add("Linear", instance(P=rows, C=m.in_features, M=m.out_features),
                     rows * m.in_features * m.out_features)
        else:  # MultiheadAttention, self-attention (query is key is value)
            q = x if m.batch_first else x.transpose(0, 1)
            b, t, e = q.shape
            h, d = m.num_heads, m.head_dim
            rows = b * t
            self.add("Linear", instance(P=rows, C=e, M=3 * e), rows * e * 3 * e)
            self.add("MatMul", instance(G=b * h, P=t, C=d, M=t), b * h * t * d * t)
            self.add("MatMul", instance(G=b * h, P=t, C=t, M=d), b * h * t * t * d)
            self.add("Linear", instance(P=rows, C=e, M=e), rows * e * e)


def merged(layers):
    groups = collections.OrderedDict()
    for op, inst, macs in layers:
        key = (op, json.dumps(inst, sort_keys=True))
        if key not in groups:
            groups[key] = dict(op=op, instance=inst, count=0, macs=macs)
        assert groups[key]["macs"] == macs
        groups[key]["count"] += 1
    return list(groups.values())


def export(name, model, x, source, params=True, inputs_as_params=False, value_info=False):
    model.eval()
    rec = Recorder(model)
    path = os.path.join(HERE, name + ".onnx")
    # not under torch.no_grad(): TransformerEncoderLayer would take its fused fast path,
    # which neither runs the attention module (hooks) nor exports to ONNX
    model(x)
    layers = list(rec.layers)
    torch.onnx.export(model, x, path, opset_version=13, do_constant_folding=False,
                      export_params=params, keep_initializers_as_inputs=inputs_as_params)
    if value_info:  # ONNX's own shape inference writes value_info for every tensor
        m = onnx.shape_inference.infer_shapes(onnx.load(path))
        assert len(m.graph.value_info) > 0
        onnx.save(m, path)
    graph = onnx.load(path).graph
    # op counts by ONNX's own reader: adse lists the ops it does not model with these counts
    ops = collections.Counter(n.op_type for n in graph.node)
    exp = dict(model=name, source=source, opset=13, params=params,
               value_info=len(graph.value_info) > 0, ops=dict(sorted(ops.items())),
               compute_nodes=len(layers), total_macs=sum(l[2] for l in layers),
               layers=merged(layers))
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 1 << 20, (name, size)
    print(f"{name}: {len(layers)} compute layers, {len(exp['layers'])} distinct, "
          f"{exp['total_macs']:,} MACs, {size:,} bytes")


class Blocks(nn.Module):
    """Convolutions of every kind adse maps: padding, stride, dilation, asymmetric kernels
    and strides, depthwise and grouped, 1x1, a 1-D convolution, pooling, a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.down = nn.Conv2d(16, 24, 5, stride=2, padding=2)
        self.dilated = nn.Conv2d(24, 24, 3, padding=2, dilation=2)
        self.depthwise = nn.Conv2d(24, 24, 3, padding=1, groups=24)
        self.grouped = nn.Conv2d(24, 32, 3, padding=1, groups=4)
        self.pointwise = nn.Conv2d(32, 32, 1)
        self.asym = nn.Conv2d(32, 16, (3, 1), stride=(2, 1), padding=(1, 0))
        self.rect = nn.Conv2d(16, 16, (1, 5), padding=(0, 2), dilation=(1, 2))
        self.pool = nn.MaxPool2d(2)
        self.conv1d = nn.Conv1d(16, 8, 3, stride=2, padding=1)
        self.fc = nn.Linear(8 * 8, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.relu(self.down(x))
        x = self.dilated(x) + x
        x = self.pointwise(self.grouped(self.depthwise(x)))
        x = self.pool(self.rect(self.asym(x)))       # [1, 16, 4, 8]
        x = self.conv1d(x.flatten(2))                 # [1, 8, 16]
        return self.fc(x.reshape(x.shape[0], -1)[:, :64])


class Mlp(nn.Module):
    """Linear layers on 2-D (Gemm) and 3-D (MatMul) inputs."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 64)
        self.b = nn.Linear(64, 64)
        self.c = nn.Linear(64, 16)

    def forward(self, x):  # [2, 8, 32]
        y = self.b(torch.relu(self.a(x)))
        y = self.b(torch.relu(y))
        return self.c(y.mean(1))


def main():
    tv = torchvision.models
    export("blocks", Blocks(), torch.randn(1, 3, 32, 32), "make_models.py Blocks (weights inside)")
    export("blocks_inputs", Blocks(), torch.randn(2, 3, 32, 32),
           "make_models.py Blocks, batch 2, weights listed as graph inputs too",
           inputs_as_params=True)
    export("mlp", Mlp(), torch.randn(2, 8, 32), "make_models.py Mlp (Gemm and MatMul)",
           value_info=True)
    export("encoder_small", nn.TransformerEncoderLayer(32, 4, 64, batch_first=True),
           torch.randn(2, 10, 32), "nn.TransformerEncoderLayer(32, 4, 64), batch 2, 10 tokens")
    export("bert_base_layer", nn.TransformerEncoderLayer(768, 12, 3072, batch_first=True),
           torch.randn(1, 128, 768),
           "nn.TransformerEncoderLayer(768, 12, 3072, batch_first=True), 128 tokens, no weights",
           params=False)
    export("resnet18", tv.resnet18(), torch.randn(1, 3, 224, 224),
           "torchvision.models.resnet18(), no weights (graph inputs)", params=False)
    export("resnet18_vi", tv.resnet18(), torch.randn(1, 3, 224, 224),
           "torchvision.models.resnet18(), no weights, value_info by onnx.shape_inference",
           params=False, value_info=True)
    export("resnet50", tv.resnet50(), torch.randn(1, 3, 224, 224),
           "torchvision.models.resnet50(), no weights (graph inputs)", params=False)
    export("mobilenet_v2", tv.mobilenet_v2(), torch.randn(1, 3, 224, 224),
           "torchvision.models.mobilenet_v2(), no weights (graph inputs)", params=False)
    export("vgg16", tv.vgg16(), torch.randn(1, 3, 224, 224),
           "torchvision.models.vgg16(), no weights (graph inputs)", params=False)
    export("alexnet", tv.alexnet(), torch.randn(1, 3, 224, 224),
           "torchvision.models.alexnet(), no weights (graph inputs)", params=False)


if __name__ == "__main__":
    main()
