// The inner loops of recurrent inference (the event decoder's GRU or LSTM run one step at
// a time, batch 1): a matrix-vector product with a transposed weight matrix, and the gate
// arithmetic of one step. Torch-free raw loops, compiled at -O3 with an AVX2/FMA clone, so
// a step costs what reading its recurrent weights costs, not LibTorch's per-operation
// overhead. Gate layouts are LibTorch's: LSTM (i, f, g, o), GRU (r, z, n).
#pragma once

#include <cstdint>

namespace ngsynth {

// y[c] += sum_r x[r] * wt[r * cols + c] for c < cols (wt: the weight matrix transposed,
// rows x cols row-major).
void matvec_transposed(const float* x, const float* wt, int64_t rows, int64_t cols, float* y);

// The same with the weights stored as IEEE half-precision floats (bits), converted on the
// fly (F16C on x86-64 when the processor has it): half the bytes read per step.
void matvec_transposed_half(const float* x, const uint16_t* wt, int64_t rows, int64_t cols,
                            float* y);
// n floats to half precision (round to nearest even), and back.
void to_half(const float* in, uint16_t* out, int64_t n);
float half_to_float(uint16_t h);

// gates (4 hidden): input and recurrent projections with both biases, in place.
// c, h (hidden): the cell and hidden state, updated.
void lstm_step(float* gates, float* c, float* h, int64_t hidden);

// gx (3 hidden): W_ih x + b_ih; gh (3 hidden): W_hh h + b_hh; h (hidden) updated.
void gru_step(const float* gx, const float* gh, float* h, int64_t hidden);

}  // namespace ngsynth
