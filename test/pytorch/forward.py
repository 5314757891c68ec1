"""Runs exported packages for the tests: for each job, load model.py from its folder, load netc
weights, run the NHWC inputs in eval mode and write every output as .npy.

    python forward.py jobs.json
    jobs.json: [{"package", "weights", "inputs": [x.npy, ...], "outputs": [y.npy, ...]}]
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def load_package(folder, index):
    spec = importlib.util.spec_from_file_location(f"exported_{index}", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as file:
        jobs = json.load(file)
    for index, job in enumerate(jobs):
        package = load_package(job["package"], index)
        model = getattr(package, job["class"])()
        package.load_netc_weights(model, job["weights"])
        model.eval()
        inputs = [torch.from_numpy(np.load(path)) for path in job["inputs"]]
        with torch.no_grad():
            outputs = model(*inputs)
        if isinstance(outputs, torch.Tensor):
            outputs = (outputs,)
        for path, output in zip(job["outputs"], outputs):
            np.save(path, output.contiguous().numpy())


main()
