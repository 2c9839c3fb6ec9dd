package io.migplan.scheduler;
final class Placeholder {}
