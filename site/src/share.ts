// The editor's text in the URL (shareable links) and in local storage. A link carries either an
// example's name (`#example=lenet5`) or the text itself (`#code=` base64url of its UTF-8).
export const STORAGE_KEY = "netc-playground-source";

export type Opening =
  | { readonly kind: "example"; readonly name: string }
  | { readonly kind: "code"; readonly text: string }
  | { readonly kind: "invalid"; readonly reason: string }
  | { readonly kind: "none" };

export function encodeText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeText(encoded: string): string {
  const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // fatal: a link cut short in the middle of a character is invalid, not silently mangled.
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** What the URL's hash asks to open. */
export function readHash(hash: string, examples: Readonly<Record<string, string>>): Opening {
  const body = hash.replace(/^#/, "");
  if (body === "") return { kind: "none" };
  const params = new URLSearchParams(body);
  const example = params.get("example");
  if (example !== null)
    return example in examples ? { kind: "example", name: example } : { kind: "invalid", reason: `there is no example '${example}'` };
  const code = params.get("code");
  if (code !== null) {
    try {
      return { kind: "code", text: decodeText(code) };
    } catch {
      return { kind: "invalid", reason: "its code is damaged (cut short or edited)" };
    }
  }
  return { kind: "invalid", reason: "it holds neither #code= nor #example=" };
}

/** The hash for a text: the example's name when it is one unchanged. */
export function hashFor(text: string, examples: Readonly<Record<string, string>>): string {
  const name = Object.keys(examples).find((k) => examples[k] === text);
  return name ? `#example=${name}` : `#code=${encodeText(text)}`;
}

export function storedText(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeText(text: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, text);
  } catch {
    // Storage full or disabled: the URL still holds the text.
  }
}
