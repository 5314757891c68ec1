// The little Markdown the language server's hovers and completion docs use: ``` fences,
// `code`, **bold**, paragraphs. Everything is escaped first.
const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function markdownToHtml(markdown: string): string {
  const parts = markdown.split(/```[a-z]*\n?/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escape(part.replace(/\n$/, ""))}</pre>`;
      return part
        .split(/\n{2,}/)
        .map((p) => p.trim())
        .filter((p) => p !== "" && p !== "---")
        .map((p) => `<p>${inline(p)}</p>`)
        .join("");
    })
    .join("");
}

function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\n/g, "<br>");
}
