namespace ShuffleNet.Experiments;

/// <summary>The four experiments of the paper's Section 2.</summary>
public enum Guideline
{
    /// <summary>Equal channel width minimizes memory access cost (Table 1).</summary>
    G1,
    /// <summary>Excessive group convolution increases MAC (Table 2).</summary>
    G2,
    /// <summary>Network fragmentation reduces degree of parallelism (Table 3).</summary>
    G3,
    /// <summary>Element-wise operations are non-negligible (Table 4).</summary>
    G4,
}
