/**
 * The part of ONNX's protobuf schema (onnx.proto, Apache-2.0, the ONNX Project Contributors)
 * that netc writes and reads: a model, its graph, nodes, attributes, dense tensors and the
 * types of the graph's inputs and outputs. Field names and numbers are the schema's; the rest
 * (training info, sparse tensors, functions, sequence and map types) is left out, and protobufjs
 * skips such fields when it reads a model that has them. Encoding and decoding are protobufjs's.
 */
import protobuf from 'protobufjs';

const f = (type: string, id: number, rule?: 'repeated') => ({ type, id, ...(rule ? { rule } : {}) });

const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: f('int64', 1),
            opset_import: f('OperatorSetIdProto', 8, 'repeated'),
            producer_name: f('string', 2),
            producer_version: f('string', 3),
            domain: f('string', 4),
            model_version: f('int64', 5),
            doc_string: f('string', 6),
            graph: f('GraphProto', 7),
            metadata_props: f('StringStringEntryProto', 14, 'repeated'),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'),
            name: f('string', 2),
            initializer: f('TensorProto', 5, 'repeated'),
            doc_string: f('string', 10),
            input: f('ValueInfoProto', 11, 'repeated'),
            output: f('ValueInfoProto', 12, 'repeated'),
            value_info: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'),
            output: f('string', 2, 'repeated'),
            name: f('string', 3),
            op_type: f('string', 4),
            domain: f('string', 7),
            attribute: f('AttributeProto', 5, 'repeated'),
            doc_string: f('string', 6),
          },
        },
        AttributeProto: {
          fields: {
            name: f('string', 1),
            type: f('int32', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            floats: f('float', 7, 'repeated'),
            ints: f('int64', 8, 'repeated'),
            strings: f('bytes', 9, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'),
            data_type: f('int32', 2),
            float_data: f('float', 4, 'repeated'),
            int32_data: f('int32', 5, 'repeated'),
            int64_data: f('int64', 7, 'repeated'),
            name: f('string', 8),
            doc_string: f('string', 12),
            raw_data: f('bytes', 9),
            double_data: f('double', 10, 'repeated'),
            data_location: f('int32', 14),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), doc_string: f('string', 3) } },
        TypeProto: { fields: { tensor_type: f('TypeProtoTensor', 1), denotation: f('string', 6) } },
        TypeProtoTensor: { fields: { elem_type: f('int32', 1), shape: f('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: f('Dimension', 1, 'repeated') } },
        Dimension: { oneofs: { value: { oneof: ['dim_value', 'dim_param'] } }, fields: { dim_value: f('int64', 1), dim_param: f('string', 2), denotation: f('string', 3) } },
      },
    },
  },
};

/** TensorProto.DataType values netc meets. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values netc meets. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  name?: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  data_location?: number;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: ({ dim_value?: number; dim_param?: string })[] } } };
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph: GraphProto;
  metadata_props?: { key: string; value: string }[];
}

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const Model = root.lookupType('onnx.ModelProto');

export function encodeModel(model: ModelProto): Uint8Array {
  const problem = Model.verify(model);
  if (problem) throw new Error(`an ONNX model netc made does not fit the schema: ${problem}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/** The model in `bytes`; throws protobufjs's error when they are not a protobuf message. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const message = Model.decode(bytes);
  // int64 as numbers (shapes, opsets, axes: all far below 2^53), repeated and message fields present when empty
  return Model.toObject(message, { longs: Number, bytes: Uint8Array, arrays: true, defaults: false }) as ModelProto;
}

/** A tensor's values as float32, whichever field holds them; undefined if of another type or stored outside. */
export function floatValues(t: TensorProto): Float32Array | undefined {
  if (t.data_location === 1) return undefined;
  const count = t.dims.reduce((a, d) => a * d, 1);
  if (t.data_type === DataType.FLOAT) {
    if (t.raw_data && t.raw_data.length > 0) {
      if (t.raw_data.length !== count * 4) return undefined;
      const copy = new Uint8Array(t.raw_data);
      return new Float32Array(copy.buffer, 0, count);
    }
    return t.float_data && t.float_data.length === count ? Float32Array.from(t.float_data) : undefined;
  }
  if (t.data_type === DataType.DOUBLE) {
    if (t.raw_data && t.raw_data.length === count * 8) return Float32Array.from(new Float64Array(new Uint8Array(t.raw_data).buffer));
    return t.double_data && t.double_data.length === count ? Float32Array.from(t.double_data) : undefined;
  }
  return undefined;
}

/** An integer tensor's values (int64 or int32), e.g. a Reshape's shape; undefined if not one. */
export function intValues(t: TensorProto): number[] | undefined {
  const count = t.dims.reduce((a, d) => a * d, 1);
  if (t.data_type === DataType.INT64) {
    if (t.raw_data && t.raw_data.length === count * 8) return Array.from(new BigInt64Array(new Uint8Array(t.raw_data).buffer), Number);
    return t.int64_data?.length === count ? t.int64_data.map(Number) : undefined;
  }
  if (t.data_type === DataType.INT32) {
    if (t.raw_data && t.raw_data.length === count * 4) return Array.from(new Int32Array(new Uint8Array(t.raw_data).buffer));
    return t.int32_data?.length === count ? t.int32_data : undefined;
  }
  return undefined;
}
