package dev.nabla.api;

import org.nd4j.linalg.api.buffer.DataType;

/** Element types of a {@link Tensor}, named as PyTorch's ({@code torch.float32} …). */
public enum DType {
    FLOAT16(DataType.HALF, "float16", true),
    FLOAT32(DataType.FLOAT, "float32", true),
    FLOAT64(DataType.DOUBLE, "float64", true),
    UINT8(DataType.UINT8, "uint8", false),
    INT8(DataType.BYTE, "int8", false),
    INT16(DataType.SHORT, "int16", false),
    INT32(DataType.INT, "int32", false),
    INT64(DataType.LONG, "int64", false),
    BOOL(DataType.BOOL, "bool", false);

    private final DataType nd;
    private final String torchName;
    private final boolean floatingPoint;

    DType(DataType nd, String torchName, boolean floatingPoint) {
        this.nd = nd;
        this.torchName = torchName;
        this.floatingPoint = floatingPoint;
    }

    /** The ND4J data type that stores this dtype. */
    public DataType nd() { return nd; }

    /** True for float16, float32 and float64: the dtypes that can require gradients. */
    public boolean isFloatingPoint() { return floatingPoint; }

    /** The dtype of an ND4J array; an error for ND4J types Nabla does not have (bfloat16, utf8, …). */
    public static DType of(DataType dataType) {
        for (DType d : values()) if (d.nd == dataType) return d;
        throw new IllegalArgumentException("DType: ND4J data type " + dataType + " has no Nabla dtype; expected one of "
                + java.util.Arrays.toString(values()));
    }

    /** PyTorch's name, e.g. {@code torch.int64}. */
    @Override public String toString() { return "torch." + torchName; }

    private int rank() {
        return switch (this) {
            case BOOL -> 0; case UINT8 -> 1; case INT8 -> 2; case INT16 -> 3; case INT32 -> 4; case INT64 -> 5;
            case FLOAT16 -> 6; case FLOAT32 -> 7; case FLOAT64 -> 8;
        };
    }

    /** PyTorch's type promotion for two tensor operands (bool < integers < floats, the wider wins). */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a == UINT8 && b == INT8 || a == INT8 && b == UINT8) return INT16;
        return a.rank() >= b.rank() ? a : b;
    }
}
