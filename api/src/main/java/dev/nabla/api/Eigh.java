package dev.nabla.api;

/**
 * The eigenvalues (ascending) and eigenvectors (as columns) of a symmetric matrix, as the named
 * tuple of {@code torch.linalg.eigh}. Both are differentiable.
 *
 * <pre>{@code
 * Eigh e = a.eigh();
 * Tensor smallest = e.eigenvalues().select(-1, 0);
 * Tensor v = e.eigenvectors();          // a = v · diag(eigenvalues) · vᵀ
 * }</pre>
 */
public record Eigh(Tensor eigenvalues, Tensor eigenvectors) {
    public Eigh {
        if (eigenvalues == null || eigenvectors == null) {
            throw new IllegalArgumentException("Eigh: eigenvalues and eigenvectors must not be null");
        }
    }
}
