"""Low-level graph helpers shared by the network build, routing and assignment.

``heap`` holds the numba binary heaps the searches run on, ``csr`` builds compressed sparse row
(forward star) arrays from edge lists, and ``components`` labels connected components. The package
imports nothing else from corridor, so every layer above it (network, routing, assign, flows) may
use it without import cycles.
"""
