// NET2xxx names and arguments, NET3xxx shapes and sizes, NET4xxx train/predict sections,
// NET5xxx lints. Merged with the syntax codes into the one catalogue by catalogue.ts.
import type { CodeInfo } from "./codes-syntax.ts";

export const checkCodes = {
  NET2001: { severity: "error", title: "unknown op or block" },
  NET2002: { severity: "error", title: "unknown label" },
  NET2003: { severity: "error", title: "unknown name in an expression" },
  NET2004: { severity: "error", title: "unknown named argument" },
  NET2005: { severity: "error", title: "missing required argument" },
  NET2006: { severity: "error", title: "too many positional arguments" },
  NET2007: { severity: "error", title: "argument given twice" },
  NET2008: { severity: "error", title: "wrong type of value for an argument" },
  NET2009: {
    severity: "error",
    title: "duplicate declaration (model, block, parameter, input or label)",
  },
  NET2010: { severity: "error", title: "duplicate layer name" },
  NET2011: { severity: "error", title: "recursive block" },
  NET2012: { severity: "error", title: "model has no input" },
  NET2013: { severity: "error", title: "unknown model" },
  NET2014: {
    severity: "error",
    title: "unknown model parameter set from outside (--param)",
  },
  NET2015: { severity: "error", title: "unknown function" },
  NET2016: {
    severity: "error",
    title: "invalid arithmetic (division by zero, non-finite result, wrong operand types)",
  },
  NET2017: {
    severity: "error",
    title: "more than one scaling statement in a model",
  },
  NET2018: {
    severity: "error",
    title: "no current tensor (an op before any input)",
  },
  NET3001: { severity: "error", title: "dense needs a rank-1 input or a sequence [T, C]" },
  NET3002: { severity: "error", title: "value must be an integer" },
  NET3003: { severity: "error", title: "value out of range" },
  NET3004: {
    severity: "error",
    title: "shapes do not match in a merge (add, mul, concat)",
  },
  NET3005: { severity: "error", title: "a spatial dimension shrinks below 1" },
  NET3006: {
    severity: "error",
    title: "maxout group size does not divide the channels",
  },
  NET3007: { severity: "error", title: "shape assertion failed" },
  NET3008: {
    severity: "error",
    title: "absurd size (a tensor over 2^31 elements or a count over 2^53)",
  },
  NET3009: { severity: "error", title: "wrong input rank for the op" },
  NET3010: { severity: "error", title: "reshape changes the element count" },
  NET3011: { severity: "error", title: "groups do not divide the channels" },
  NET3012: { severity: "error", title: "crop target larger than the input" },
  NET3013: {
    severity: "error",
    title: "wrong element type: int token ids into an op other than embedding/take, or floats into embedding",
  },
  NET3014: { severity: "error", title: "attention heads do not divide the features" },
  NET3015: { severity: "error", title: "positional table shorter than the sequence" },
  NET3016: { severity: "error", title: "dense's tie names no embedding, or one of the wrong shape" },
  NET4001: {
    severity: "error",
    title: "unknown key in a train or predict section",
  },
  NET4002: { severity: "error", title: "key given twice" },
  NET4003: { severity: "error", title: "invalid value for a key" },
  NET4004: { severity: "error", title: "missing required key" },
  NET4005: {
    severity: "error",
    title: "more than one train or predict section for a model",
  },
  NET5001: {
    severity: "warning",
    title: "two linear layers with no activation between them",
  },
  NET5002: { severity: "warning", title: "dense on a large flattened input" },
  NET5003: {
    severity: "warning",
    title: "conv bias directly followed by batchnorm",
  },
  NET5004: { severity: "hint", title: "a depthwise-separable conv would do" },
  NET5005: { severity: "warning", title: "softmax followed by another op" },
  NET5006: { severity: "warning", title: "cross_entropy on a sigmoid output" },
  NET5007: {
    severity: "warning",
    title: "compound scaling coefficients break alpha*beta^2*gamma^2 = 2",
  },
  NET5008: { severity: "warning", title: "unused label" },
  NET5009: { severity: "warning", title: "unused block" },
} as const satisfies Record<string, CodeInfo>;

export type CheckCode = keyof typeof checkCodes;
