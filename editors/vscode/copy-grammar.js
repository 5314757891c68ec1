// Copies the TextMate grammar (owned by the parser, in grammar/) into the extension, so the
// packaged extension carries it and the repository keeps one copy.
const fs = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "..", "..", "grammar", "netc.tmLanguage.json");
const target = path.join(__dirname, "syntaxes", "netc.tmLanguage.json");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`copied ${path.relative(process.cwd(), source)} -> ${path.relative(process.cwd(), target)}`);
