/**
 * What the local and cluster scopes share: conversion, listener invocation and settings.
 */
@NullMarked
package io.pistil.messaging.support;

import org.jspecify.annotations.NullMarked;
