/** Training data that cannot be used with the model; the message says what, where and how to fix it. */
export class DataError extends Error {
  override readonly name = "DataError";
}
