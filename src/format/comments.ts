// Comment placement beyond Prettier's defaults, and printing of dangling comments (those
// inside an empty `{ }`, `( )` or `[ ]`, or in an empty file).
import { doc, util, type AstPath, type Doc } from "prettier";
import type { AttachedComment, PNode } from "./print-tree.ts";

/** What Prettier tells a handler about a comment's surroundings. */
interface CommentContext extends AttachedComment {
  enclosingNode?: PNode;
  precedingNode?: PNode;
  followingNode?: PNode;
}

const blocks = new Set(["Body", "ConfigBody", "Branches"]);

/** Containers whose children the printer puts on separate lines once a line comment is in
 * them, so a line comment can trail a child. */
const separatesChildren = new Set(["Program", "Body", "ConfigBody", "Branches", "ArgList", "ParamList", "List"]);

export const handleComments = {
  endOfLine(comment: CommentContext, text: string): boolean {
    return keepAfterOpen(comment) || leadFollowing(comment, text);
  },
  remaining(comment: CommentContext, text: string): boolean {
    return leadFollowing(comment, text);
  },
};

/** `{ // about this body` keeps its comment after the `{` instead of moving it onto the
 * first statement's line. */
function keepAfterOpen(comment: CommentContext): boolean {
  const enclosing = comment.enclosingNode;
  if (!enclosing || !blocks.has(enclosing.kind) || comment.precedingNode !== undefined) return false;
  util.addDanglingComment(enclosing, comment, "after-open");
  return true;
}

/** Inside a statement or expression, a line comment leads the node after it: as a trailing
 * comment it would be pushed to the end of the printed line, past the code that follows it
 * and onto another line comment (`stem // note` then `{` on the next line). So does a block
 * comment with only whitespace before that node (`conv /* note *\/ (6)`), which Prettier
 * would otherwise call trailing or leading depending on the layout — not idempotent. */
function leadFollowing(comment: CommentContext, text: string): boolean {
  const { enclosingNode, followingNode } = comment;
  if (!enclosingNode || !followingNode || separatesChildren.has(enclosingNode.kind)) return false;
  if (comment.block && text.slice(comment.span.end, followingNode.span.start).trim() !== "") return false;
  util.addLeadingComment(followingNode, comment);
  return true;
}

/** " " when the node starts with a comment that must not touch the code before it
 * (`conv /* note *\/ (6, 5x5)`). */
export function spaceBeforeLeadingComment(node: PNode | undefined): string {
  return node?.comments?.some((c) => c.leading) ? " " : "";
}

/** Prints the node's dangling comments with the given marker (none: unmarked ones). */
export function printDanglingComments(path: AstPath<PNode>, marker?: string): Doc[] {
  const printed: Doc[] = [];
  if (!path.node.comments) return printed;
  path.each((commentPath) => {
    const comment = commentPath.node as unknown as AttachedComment;
    if (comment.leading || comment.trailing || comment.marker !== marker) return;
    comment.printed = true;
    printed.push(printComment(commentPath as AstPath));
  }, "comments");
  return printed;
}

/** A comment as written; a line comment forces its enclosing group onto several lines. */
export function printComment(path: AstPath): Doc {
  const comment = path.node as AttachedComment;
  return comment.block ? comment.text : [comment.text, doc.builders.breakParent];
}
