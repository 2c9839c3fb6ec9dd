package io.migplan.scheduler.matrix;

/** One cell of the compatibility matrix: a source signature against one type on one target parent. */
public record MatrixKey(String targetHost, String targetParent, String targetTypeId, String sourceSignature) {
}
