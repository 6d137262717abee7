// Package net holds the networks eos trains (the reference's fully connected
// nets, its deep linear net and its one-layer regression net), their
// initialisation and losses, and the fused passes over a dataset that give
// the loss, its gradient and exact Hessian-vector products.
package net
