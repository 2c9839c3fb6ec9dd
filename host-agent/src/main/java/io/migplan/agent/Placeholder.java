package io.migplan.agent;
/** placeholder removed once sources land */
final class Placeholder {}
