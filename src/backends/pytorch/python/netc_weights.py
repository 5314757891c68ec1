def read_safetensors(path):
    """The float32 tensors of a safetensors file by key, and its metadata."""
    with open(path, "rb") as file:
        (header_size,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(header_size))
        data = file.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for key, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor '{key}' is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[key] = torch.from_numpy(array.copy())
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Write float32 tensors, keys sorted as netc does, atomically."""
    header = {"__metadata__": metadata}
    arrays = []
    offset = 0
    for key in sorted(tensors):
        array = tensors[key].detach().cpu().numpy().astype("<f4")
        end = offset + array.nbytes
        header[key] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, end],
        }
        arrays.append(array)
        offset = end
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)))
        file.write(encoded)
        for array in arrays:
            file.write(array.tobytes())
        file.flush()
        os.fsync(file.fileno())
    os.replace(temp, path)


def format_shape(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def check_netc_tensors(module, tensors, source):
    """Raise ValueError naming each missing, misshaped or unexpected tensor, as netc."""
    problems = []
    for key, (_, _, shape) in module.NETC_TENSORS.items():
        expected = format_shape(shape)
        if key not in tensors:
            problems.append(f"missing tensor '{key}' (expected shape {expected})")
        elif tuple(tensors[key].shape) != shape:
            found = format_shape(tensors[key].shape)
            problems.append(f"tensor '{key}': expected {expected}, got {found}")
    for key in tensors:
        if key not in module.NETC_TENSORS:
            problems.append(
                f"unexpected tensor '{key}' (the model has no such parameter)"
            )
    if problems:
        raise ValueError(
            f"{source} does not fit the model:\n  "
            + "\n  ".join(problems)
            + "\ncheck that the weights were saved from this model with the same "
            + "parameters (--param)"
        )


def torch_values(name, layout, tensor):
    """{state_dict entry: value} for a netc tensor (a GRU's bias fills two entries)."""
    values = to_torch_layout(layout, tensor)
    if isinstance(name, tuple):
        return dict(zip(name, values))
    return {name: values}


def netc_value(name, layout, shape, lookup):
    """The netc tensor from the entries it fills; `lookup` gives an entry's tensor."""
    if isinstance(name, tuple):
        return to_netc_layout(layout, tuple(lookup(n) for n in name), shape)
    return to_netc_layout(layout, lookup(name), shape)


def load_netc_weights(module, path, extra_prefix=None):
    """Fill `module` from a netc weights file (keys `<layer>.<tensor>`, Keras layouts).

    Tensors whose key starts with `extra_prefix` (a checkpoint's optimizer state) are
    left out of the check and returned, with the file's metadata.
    """
    tensors, metadata = read_safetensors(path)
    extra = {}
    if extra_prefix is not None:
        extra = {k: v for k, v in tensors.items() if k.startswith(extra_prefix)}
        tensors = {k: v for k, v in tensors.items() if k not in extra}
    check_netc_tensors(module, tensors, path)
    state = module.state_dict()
    with torch.no_grad():
        for key, (name, layout, _) in module.NETC_TENSORS.items():
            for entry, value in torch_values(name, layout, tensors[key]).items():
                state[entry].copy_(value)
    return extra, metadata


def netc_tensors(module):
    """The module's weights as netc tensors: key -> Keras-layout tensor."""
    state = module.state_dict()
    return {
        key: netc_value(name, layout, shape, lambda n: state[n].detach().float())
        for key, (name, layout, shape) in module.NETC_TENSORS.items()
    }


def save_netc_weights(module, path, extra=None, metadata=None):
    """Write the module's weights as a netc weights file, atomically (`extra`: more)."""
    tensors = {**netc_tensors(module), **(extra or {})}
    info = {"model": type(module).__name__, "format": "netc", **(metadata or {})}
    write_safetensors(path, tensors, info)
