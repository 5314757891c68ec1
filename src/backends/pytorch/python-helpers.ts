// Top-level Python definitions that ops of the sequence section (spec section 11) share, written
// into model.py only when the model uses them.

export type PyHelper = "sinusoids" | "MultiHeadAttention";

const HELPERS: Readonly<Record<PyHelper, readonly string[]>> = {
  sinusoids: [
    "def sinusoids(rows, channels):",
    '    """Vaswani et al.\'s position table as netc: sin on even channels, cos on odd ones."""',
    "    channel = torch.arange(channels, dtype=torch.float64)",
    "    position = torch.arange(rows, dtype=torch.float64)[:, None]",
    "    angle = position * 10000.0 ** (-2 * torch.floor(channel / 2) / channels)",
    "    return torch.where(channel % 2 == 0, angle.sin(), angle.cos()).float()",
  ],
  MultiHeadAttention: [
    "class MultiHeadAttention(nn.Module):",
    '    """nn.MultiheadAttention\'s numbers on [N, T, C], with netc\'s four projections.',
    "",
    "    Head h uses feature columns h*C/heads ... (h+1)*C/heads - 1; `causal` hides the",
    "    keys after each position; `context` ([N, S, C_ctx]) gives the keys and values.",
    '    """',
    "",
    "    def __init__(self, width, heads, context_width, causal, bias, dropout):",
    "        super().__init__()",
    "        self.heads = heads",
    "        self.causal = causal",
    "        self.query = nn.Linear(width, width, bias=bias)",
    "        self.key = nn.Linear(context_width, width, bias=bias)",
    "        self.value = nn.Linear(context_width, width, bias=bias)",
    "        self.output = nn.Linear(width, width, bias=bias)",
    "        self.dropout = nn.Dropout(dropout)",
    "",
    "    def split_heads(self, x):",
    '        """[N, L, C] -> [N, heads, L, C / heads]."""',
    "        n, length, width = x.shape",
    "        return x.reshape(n, length, self.heads, width // self.heads).transpose(1, 2)",
    "",
    "    def forward(self, x, context=None):",
    "        source = x if context is None else context",
    "        query = self.split_heads(self.query(x))",
    "        key = self.split_heads(self.key(source))",
    "        value = self.split_heads(self.value(source))",
    "        scores = query @ key.transpose(2, 3) / math.sqrt(query.shape[-1])",
    "        if self.causal:",
    "            later = torch.ones(scores.shape[-2:], dtype=torch.bool, device=x.device)",
    "            scores = scores.masked_fill(later.triu(1), -math.inf)",
    "        weights = self.dropout(scores.softmax(-1))",
    "        mixed = (weights @ value).transpose(1, 2).reshape(x.shape[0], x.shape[1], -1)",
    "        return self.output(mixed)",
  ],
};

/** The definitions of `used`, in a fixed order, each followed by two blank lines. */
export function helperDefinitions(used: ReadonlySet<PyHelper>): string[] {
  return (Object.keys(HELPERS) as PyHelper[]).filter((h) => used.has(h)).flatMap((h) => [...HELPERS[h], "", ""]);
}
