"""The error families ``explain`` recognises, most specific first: each a pattern over the
cleaned message and the diagnosis it gives, through the same engine as ``check``."""

from __future__ import annotations

import re

from .. import diagnosis as D
from .. import shape_diagnosis as S
from ..error_text import Recogniser, parse_shape
from .building import (
    _broadcast_into,
    _cell_matmul,
    _crf_needs_tags,
    _dense_of_none,
    _float_ids,
    _input_count,
    _layer_as_argument,
    _layer_needs_rank,
    _layer_on_numpy,
    _list_of_arrays,
    _logits_size,
    _mask_in_rnn,
    _no_masking,
    _not_an_input,
    _not_built,
    _not_connected,
    _removed_argument,
    _shared_cell,
    _shared_variable,
    _squeeze_height,
    _state_batch,
    _static_rnn_list,
    _text_in_data,
    _tf_needs_timesteps,
    _tflearn_list,
    _validation_items,
    _variable_exists,
)
from .cells import (
    _batch_of_other_shapes,
    _ctc_empty_labels,
    _depth_unknown,
    _incompatible_2d,
    _incompatible_steps,
    _indices,
    _mask_steps,
    _matmul,
    _matrix_size,
    _ndim_of_no_layer,
    _needs_length,
    _object,
    _rank_retold,
    _structure,
    _tensor_array,
    _time_distributed_2d,
    _unknown_rank,
    _unroll,
)
from .graphs import _feed, _keras0_previous
from .inputs import (
    _checking_input,
    _constructed,
    _incompatible_layer,
    _keras3_input,
    _rank_only_any,
)
from .ops import (
    _bare_incompatible,
    _branches,
    _broadcast_at_loss,
    _broadcastable,
    _ctc_blank,
    _data_adapter,
    _dtype_into_layer,
    _elemwise_batches,
    _empty_logs,
    _flow_lengths,
    _gemm_batches,
    _generator_fit_rank,
    _graph_disconnected,
    _heads_do_not_divide,
    _initial_state_batch,
    _int_shape,
    _keras0_ndim,
    _label_range,
    _list_not_array,
    _logits_labels,
    _loss_batches,
    _loss_dims,
    _loss_list,
    _numpy_reshape,
    _output_size,
    _rank_at_node,
    _reshape_batch,
    _reshape_size,
    _samples_vs_targets,
    _scalar_target,
    _scaler_columns,
    _shape_index,
    _sparse_assert,
    _sparse_shapes,
    _state_spec,
    _stateful_samples,
    _theano_argument,
    _theano_crossentropy,
    _theano_reshape,
    _validation_split,
    _window_too_long,
    _zero_steps,
)
from .targets import (
    _cardinality,
    _checking_target,
    _conversion,
    _ids_for_categorical,
    _logits,
    _loss_shapes,
    _missing_data,
    _rank_target,
    _stateful,
    _target_for_output,
)

_S = r"[\(\[]([^()\[\]]*)[\)\]]"  # a shape in ( ) or [ ]

RECOGNISERS: list[Recogniser] = [
    (re.compile(r"when checking (?:model )?target", re.IGNORECASE), _checking_target),
    (
        re.compile(r"[Aa]rguments target and output must have the same (?:rank|shape)[^.]*"),
        _rank_target,
    ),
    (
        re.compile(
            rf"(?:A target array with shape {_S} )?was passed for an output of shape {_S}",
            re.IGNORECASE,  # quoted from a title or a lowercased page; its start may be cut
        ),
        _target_for_output,
    ),
    (
        re.compile(
            r"You are passing a target array of shape (\([^)]*\)) while using as loss "
            r"'?categorical_crossentropy"
        ),
        _ids_for_categorical,
    ),
    (
        re.compile(
            rf"logits and labels must have the same first dimension, got logits shape "
            rf"{_S} and labels shape {_S}"
        ),
        _logits,
    ),
    (
        re.compile(
            r"Data cardinality is ambiguous[:.]? ?(?:Make sure all arrays contain the same "
            r"number of samples\.)? ?'?x'? sizes: ([\d, ]+)(?:'?y'? sizes: ([\d, ]+))?"
        ),
        _cardinality,
    ),
    (re.compile(r'Missing data for input "?([^"\s.]+)"?'), _missing_data),
    (
        re.compile(
            r"In a stateful network, you should only pass inputs with a number of samples"
            r"(?: that (?:can be divided by|is divisible by) the batch size(?: \d+)?\.? ?"
            r"(?:Found: (\d+) samples?(?:\(s\))?\.?(?: Batch size: (\d+))?)?)?"
        ),
        _stateful_samples,
    ),
    (
        re.compile(
            r"If a RNN is stateful, (?:it needs to know its batch size|a complete "
            r"input_shape must be provided)|When using stateful=True in a RNN, the batch "
            r"size must be static|When using a stateful RNN, batch_input_shape must be provided"
        ),
        _stateful,
    ),
    (
        re.compile(
            r"(?:Error when checking (?:model )?input: )?(?:expected )?"
            r"(?<!\S)(?P<name>\S{1,200}(?: input)?) to have "
            r"(?:(?P<rank>\d{1,2}(?!\d)) dimension(?:s|\(s\))?|shape \((?P<shape>[^)]*)\))"
            r"[.,]? ?but "
            r"got (?:an )?array with shape:? \(?(?P<got>(?:[\d, ]|None)*)\)?"
        ),
        _checking_input,
    ),
    (
        re.compile(
            r"Error when checking ?: expected (?P<name>\S+) to have (?P<rank>\d{1,2}(?!\d)) "
            r"dimensions(?P<shape>)?, but got (?:an )?array with shape \((?P<got>[^)]*)\)"
        ),
        _checking_input,
    ),
    (
        re.compile(
            r"theano function [^\n]*?at index (\d+) ?\(0-based\)'?,? '?Wrong number of "
            r"dimensions: ?expected (\d{1,2}(?!\d)), ?got \d+ with shape ?\(([^)]*)\)"
        ),
        _theano_argument,
    ),
    (
        re.compile(
            r"Wrong number of dimensions: ?expected (?P<want>\d{1,2}(?!\d)), ?got \d+ with shape ?"
            r"\((?P<shape>[^)]*)\)|"
            r"Shape \((?P<shape2>[^)]*)\) must have rank at least (?P<want2>\d{1,2}(?!\d))"
        ),
        _rank_only_any,
    ),
    (
        re.compile(
            rf"Invalid input shape for input .*?Expected shape {_S}, but input has "
            rf"incompatible shape {_S}"
        ),
        _keras3_input,
    ),
    (
        re.compile(
            r"Input \d+ (?:with name '[^']*' )?(?:of layer [\"']?(?P<new>[^\"'\s:]+)[\"']? is "
            r"incompatible with the layer|is "
            r"incompatible with layer (?P<old>[^\s:]+))(?: ?:)* expected "
            r"(?:shape=\((?P<exp>[^)]*)\), "
            r"found shape=[\(\[](?P<fnd>[^)\]]*)[\)\]]|"
            r"min_ndim=(?P<min>\d{1,2}(?!\d)), found ndim=(?P<mgot>\d{1,2}(?!\d))"
            r"(?:\. Full shape received: [\(\[](?P<mfull>[^)\]]*)[\)\]])?|"
            r"ndim=(?P<want>\d{1,2}(?!\d)), found ndim=(?P<got>\d{1,2}(?!\d))"
            r"(?:\. Full shape received: "
            r"[\(\[](?P<full>[^)\]]*)[\)\]])?|axis (?P<axis>-?\d+) of input shape to have value "
            r"(?P<value>\d+),? but received input with shape [\(\[](?P<recv>[^)\]]*)[\)\]])"
        ),
        _incompatible_layer,
    ),
    (
        re.compile(
            rf"Model was constructed with shape {_S} for input .*? but it was called on an "
            rf"input with incompatible shape {_S}"
        ),
        _constructed,
    ),
    (
        re.compile(
            r"Cannot feed value of shape ?\(([^)]*)\) for [Tt]ensor u?'?([^',]+)'?, which has "
            r"shape? '?\(([^)]*)\)'?"  # 'shap': a paste retyped by hand
        ),
        _feed,
    ),
    (
        re.compile(
            r"layer expected input with ndim=(\d{1,2}(?!\d)) but previous layer has output_shape "
            r"\(([^)]*)\)"
        ),
        _keras0_previous,
    ),
    (
        re.compile(r"Expected batch size: (\d+)\s*-?\s*Received batch size: (\d+)"),
        lambda m, ctx: S.batch(
            int(m.group(1)), int(m.group(2)), None, None, ctx.fitting, pasted=True
        ),
    ),
    (re.compile(r"Incompatible shapes: \[(\d+)\] vs\. \[(\d+)\]"), _loss_batches),
    (re.compile(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[(\d+),(\d+)\]"), _incompatible_2d),
    (re.compile(r"Incompatible shapes: \[([\d,\s]+)\] vs\. \[([\d,\s]+)\]"), _incompatible_steps),
    (re.compile(rf"Shapes {_S} and {_S} are incompatible"), _loss_shapes),
    (
        re.compile(
            r"size of the last dimension of the input \((\d+)\) must be evenly divisible "
            r"by the ?number ?of (?:the )?(?:attention )?heads,? \(?(\d+)"
        ),
        _heads_do_not_divide,
    ),
    (re.compile(r"Graph disconnected: cannot obtain value for tensor"), _graph_disconnected),
    (
        re.compile(
            r"Cannot batch tensors with different shapes in component \d+\. First element had "
            r"shape \[([^\]]*)\] and element \d+ had shape \[([^\]]*)\]"
        ),
        _batch_of_other_shapes,
    ),
    (
        re.compile(
            r"Dimensions must be equal, but are (\d+) and (\d+) for '\{\{node [^}]*?"
            r"(?:MatMul|BiasAdd|add)[^}]*\}\}"
        ),
        _matmul,
    ),
    (
        re.compile(r"Matrix size-incompatible: In\[0\]: \[(\d+),(\d+)\], In\[1\]: \[(\d+),(\d+)\]"),
        _matrix_size,
    ),
    (
        re.compile(
            r"TimeDistributed Layer should be passed a mask of shape \((?P<want>\d+, \d+), "
            r"\.\.\.\), received: mask\.shape=(?P<mask>\([^)]*\))|The mask passed to the "
            r"TimeDistributed layer has a shape (?P<mask2>\([^)]*\)) that is incompatible with "
            r"the input shape \([^)]*\)\..{0,300}?Expected mask shape prefix: "
            r"(?P<want2>\([^)]*\))"
        ),
        _mask_steps,
    ),
    (re.compile(r"Labels length is zero in batch (\d+)"), _ctc_empty_labels),
    (
        re.compile(
            r"Layer (\S+) requires to know the length of its input, but it could not be "
            r"inferred automatically"
        ),
        _needs_length,
    ),
    (
        re.compile(
            r"Cannot unroll a RNN if the time dimension is undefined|Unrolling requires a "
            r"fixed number of timesteps"
        ),
        _unroll,
    ),
    (
        re.compile(
            r"Cannot take the length of shape with unknown rank|as_list\(\) is not "
            r"defined on an? unknown TensorShape"
        ),
        _unknown_rank,
    ),
    # the bound's ")" may be lost in a paste where TF's own text follows; a bound at the end
    # of what was pasted may be cut short
    (
        re.compile(
            r"indices\[[^\]\n]{0,100}\] = (-?\d+) is not in \[0, ?(\d+)"
            r"(?:\)|(?=[\s|]*(?:Errors may have originated|\[\[)))"
        ),
        _indices,
    ),
    (
        re.compile(
            r"[Ff]ailed to convert a NumPy array to a Tensor ?\(Unsupported object type "
            r"([^)]*)\)|Invalid dtype: object()|Can't convert non-rectangular Python "
            r"sequence to Tensor()"
        ),
        _object,
    ),
    (re.compile(r"The structure of inputs doesn't match the expected structure"), _structure),
    (
        re.compile(
            r"expects (\d+) (?:named )?inputs?(?:\(s\))?[^\n]*?but it received (\d+) input "
            r"tensors"
        ),
        _input_count,
    ),
    (
        re.compile(
            r"Expected to see (\d+) arrays?(?:\(s\))?,? but instead got the following list "
            r"of (\d+) arrays"
        ),
        _list_of_arrays,
    ),
    (
        re.compile(
            r"Unrecognized keyword arguments? passed to (\w+): \{'(batch_input_shape|"
            r"input_length|input_dim)'"
        ),
        _removed_argument,
    ),
    (re.compile(r"[Ll]ayer (\S+) does not support masking"), _no_masking),
    (
        re.compile(r"Dimensions must be equal, but are (\d+) and (\d+) for '[^']*multi_rnn_cell"),
        _shared_cell,
    ),
    (
        re.compile(
            r"Trying to share variable (\S*cell\S*), but specified shape (\([\d, ]+\)) and "
            r"found shape (\([\d, ]+\))"
        ),
        _shared_variable,
    ),
    (
        re.compile(r"Layer is not connected\. Did you forget to set [\"']?input_shape"),
        _not_connected,
    ),
    (
        re.compile(r"Variable (\S+) already exists, disallowed\. Did you mean to set reuse"),
        _variable_exists,
    ),
    (re.compile(r"TypeError: inputs must be a sequence"), _static_rnn_list),
    (
        re.compile(
            r"When passing validation_data, it must contain 2 \(x_val, y_val\) or 3 .{0,80}?"
            r"however it contains (\d+) items"
        ),
        _validation_items,
    ),
    (
        re.compile(r"When using TensorFlow, you should define explicitly the number of timesteps"),
        _tf_needs_timesteps,
    ),
    (
        re.compile(
            r"Can not squeeze dim\[(\d+)\], expected a dimension of 1, got (\d+)[^\n]*?input "
            r"shapes: \[([^\]]*)\]"
        ),
        _squeeze_height,
    ),
    (
        re.compile(r"The last dimension of the input shape must be equal to output shape"),
        _crf_needs_tags,
    ),
    (re.compile(r"\b(\w{1,100}) requires (\d)D\s+input, not (\d)D"), _layer_needs_rank),
    (
        re.compile(
            r"Only input tensors may be passed as positional arguments\. The following argument "
            r"value should be passed as a keyword argument: <(\w+) name=([\w.-]+)"
        ),
        _layer_as_argument,
    ),
    (
        re.compile(
            r"Dimensions must be equal, but are (\d+) and (\d+) for '[^']*?(?:lstm|gru|rnn)_cell"
            r"[^']*?/(?:MatMul|mul)[^']*' \(op: 'MatMul'\) with input shapes: \[\?,\d+\], "
            r"\[(\d+),\d+\]"
        ),
        _cell_matmul,
    ),
    (
        re.compile(
            r"ConcatOp ?: Dimensions of inputs should match: shape\[0\] = \[(\d+),(\d+)\] vs\. "
            r"shape\[1\] = \[(\d+),(\d+)\]"
        ),
        _state_batch,
    ),
    (
        re.compile(
            r"logits and labels must be (?:the )?same size: logits_size=\[(\d+),(\d+)\] "
            r"labels_size=\[(\d+),(\d+)\]"
        ),
        _logits_size,
    ),
    (
        re.compile(
            r"Layer (\S+) was called with an input that isn't a symbolic tensor\. Received "
            r"type: <class 'numpy\.ndarray'>"
        ),
        _layer_on_numpy,
    ),
    (
        re.compile(
            r"The last dimension of the inputs to `?Dense`? should be defined\. Found `?None"
        ),
        _dense_of_none,
    ),
    (
        re.compile(
            r"TimeDistributed`? [Ll]ayer should be passed an `?input_shape ?`? with at least 3 "
            r"dimensions, received: \(([^)]*)\)"
        ),
        _time_distributed_2d,
    ),
    (
        re.compile(r"Input size \(depth of inputs\) must be accessible via shape inference"),
        _depth_unknown,
    ),
    (
        re.compile(
            r"(?:Model|Functional) (?:model )?inputs must come from `?(?:tf\.keras|keras)\.Input`?"
            r"[^\n]*?generated by layer ([\w/.-]+?)_?\."
        ),
        _not_an_input,
    ),
    (re.compile(r"Incoming Tensor shape must be at least 2-D"), _tflearn_list),
    (
        re.compile(
            r"Dimension \d+ in both shapes must be equal, but are (\d+) and (\d+)\. Shapes are "
            r"[^\n]*? for '([\w-]*?(?:lstm|gru|rnn|bidirectional)[\w-]*)[\w/-]*?/while/Select"
        ),
        _mask_in_rnn,
    ),
    (
        re.compile(
            r"setting an array element with a sequence|could not broadcast input array from "
            r"shape \(([\d, ]+)\) into shape \(([\d, ]*)\)"
        ),
        _broadcast_into,
    ),
    (
        re.compile(
            r"could not convert string to float|Cast string to \w+ is not supported|"
            r"Invalid dtype: (?:str\d*|<U\d+|bytes\d*|\|S\d+)\b|"
            r"Expected (?:float|int|double)\d*, got .{0,80}? of type 'str' instead"
        ),
        _text_in_data,
    ),
    (
        re.compile(
            r"[Ll]ayer expects input ndim=(\d{1,2}(?!\d)),? (?:but )?was provided with input shape "
            r"\(([^)]*)\)"
        ),
        _keras0_ndim,
    ),
    (
        re.compile(
            r"non-broadcastable output operand with shape \(([\d, ]+)\) doesn't match the "
            r"broadcast shape \(([\d, ]+)\)"
        ),
        _scaler_columns,
    ),
    (
        re.compile(
            r"(?:Gpu)?Reshape: cannot reshape input of shape \(([\d, ]+)\) to shape "
            r"\(([\d, -]+)\)"
        ),
        _theano_reshape,
    ),
    (
        re.compile(
            r"Unexpected result of `?(?:train|predict|test)_function`? \(Empty (?:logs|"
            r"batch_outputs)\)|Expected input data to be non-empty|Asked to retrieve element "
            r"0, but the Sequence has length 0|Expect x to be a non-empty array or dataset|local "
            r"variable 'logs' referenced before assignment"
        ),
        _empty_logs,
    ),
    (
        re.compile(
            r"This model has not yet been built|The first layer in a Sequential model must get "
            r"an [\"'`]?input_shape[\"'`]?"
        ),
        _not_built,
    ),
    (
        re.compile(
            r"index must be integers|Value passed to parameter 'indices' has DataType "
            r"float\d*|indices must be integers"
        ),
        _float_ids,
    ),
    (re.compile(r"TensorArray has size zero"), _zero_steps),
    (re.compile(r"required broadcastable shapes"), _broadcast_at_loss),
    (re.compile(r"IndexError: (?:tuple|list) index out of range"), _shape_index),
    (
        re.compile(
            r"Input \d+ (?:of layer [\"']?([^\"'\s:]+)[\"']? is incompatible with the layer|is "
            r"incompatible with layer ([^\s:]+))\s*:?\s*expected dtype=(\w+), found dtype=(\w+)"
        ),
        _dtype_into_layer,
    ),
    (re.compile(r"cannot reshape array of size (\d+) into shape \(([\d, ]+)\)"), _numpy_reshape),
    (re.compile(r"'list' object has no attribute '(shape|ndim|dtype|reshape)'"), _list_not_array),
    (
        re.compile(
            r"Negative dimension size caused by subtracting (\d+) from (\d+)(?: for "
            r"'(?:\{\{node )?([^'}\s]*))?"
        ),
        _window_too_long,
    ),
    (
        re.compile(
            r"An initial_state was passed that is not compatible with cell\.state_size\. "
            r"Received state_spec=(.{0,2000}?); however cell\.state_size is (\S[^\n]{0,200})"
        ),
        _state_spec,
    ),
    (
        re.compile(
            r"Computed output size would be zero or negative\. Received inputs "
            r"shape=(?P<inputs>\([^)]*\)), kernel shape=(?P<kernel>\([^)]*\))|One of the "
            r"dimensions in the output is <= 0 due to downsampling in (?P<layer>\w+)\.[^.]*\. "
            r"Received input shape (?P<received>\[[^\]]*\])"
        ),
        _output_size,
    ),
    (
        re.compile(
            r"total size of (?:new array|the tensor) must be unchanged(?:[,.] (?:Received: )?"
            r"input_shape ?= ?([\[(][^\])]*[\])]), (?:output|target)_shape ?= ?"
            r"([\[(][^\])]*[\])]))?",
            re.IGNORECASE,
        ),
        _reshape_size,
    ),
    (
        re.compile(
            r"SparseSoftmaxCrossEntropyWithLogits/Shape_1:0\) = \] \[([\d ]+)\] \[y \([^)]*"
            r"SparseSoftmaxCrossEntropyWithLogits/strided_slice:0\) = \] \[([\d ]+)\]"
        ),
        _sparse_assert,
    ),
    (re.compile(r"Shapes \(\) and (\([^)]*\)) must have the same rank"), _scalar_target),
    (
        re.compile(
            r"Input to \.?fit\(\)?\.? should have rank (\d{1,2}(?!\d))\. Got array with shape: "
            r"(\([^)]*\))"
        ),
        _generator_fit_rank,
    ),
    (
        re.compile(
            r"Saw a non-null label \(index >= num_classes - 1\) following a null label, "
            r"batch: \d+ num_classes: (\d+)"
        ),
        _ctc_blank,
    ),
    (
        re.compile(
            r"When passing a list as loss, it should have one entry per model outputs\. The "
            r"model has (\d+) outputs?, but you passed loss=(\[.{0,1000}?\])"
        ),
        _loss_list,
    ),
    (
        re.compile(r"Invalid input_h shape: \[(\d+),(\d+),(\d+)\] \[(\d+),(\d+),(\d+)\]"),
        _initial_state_batch,
    ),
    (
        re.compile(
            r"Shape must be rank (\d+) but is rank (\d+) for '(?:\{\{node )?([^'}\s]*)\}?\}?"
            r"[^\n]*?with input shapes: \[([^\]]*)\]"
        ),
        _rank_at_node,
    ),
    (
        re.compile(
            r"logits and labels must be broadcastable: logits_size=\[([\d,]+)\] "
            r"labels_size=\[([\d,]+)\]"
        ),
        _broadcastable,
    ),
    (re.compile(r"'int' object is not iterable"), _int_shape),
    (
        re.compile(r"validation_split.{0,30}only supported for Tensors or NumPy arrays"),
        _validation_split,
    ),
    # Theano's crossentropy, true_dist * log(coding_dist): input 0 is y, input 1 the
    # model's clipped output
    (
        re.compile(
            r"Input dimension mis-match\. \(input\[0\]\.shape\[([1-9])\] = \d+, input\[1\]\.shape"
            r"\[\1\] = \d+\).{0,300}?Apply node that caused the error: Elemwise\{Composite\{[^}]*"
            r"log[^}]*\}\}.{0,600}?Inputs shapes: \[(\([^)]*\)), (\([^)]*\))"
        ),
        _theano_crossentropy,
    ),
    (
        re.compile(
            r"Input dimension mis-match\. \(input\[0\]\.shape\[0\] = (\d+), "
            r"input\[1\]\.shape\[0\] = (\d+)\)"
        ),
        _elemwise_batches,
    ),
    (
        re.compile(
            r"Input dimension mis-match\. Input \d+ \(indices start at 0\) has shape\[0\] == "
            r"(\d+), but the output's size on that axis is (\d+)"
        ),
        _elemwise_batches,
    ),
    (
        re.compile(
            r"Received a label value of (-?\d+) which is outside the valid range of \[0, ?(\d+)\)"
        ),
        _label_range,
    ),
    (
        re.compile(
            rf"labels\.shape must equal logits\.shape except for the last dimension\. Received: "
            rf"labels\.shape={_S} and logits\.shape={_S}|"
            rf"The shape of labels \(received {_S}\) should equal the shape of logits except "
            rf"for the last dimension \(received {_S}\)|"
            rf"Argument output must have rank \(ndim\) target\.ndim - 1\. Received: "
            rf"target\.shape={_S}, output\.shape={_S}|"
            r"Can not squeeze dim\[1\], expected a dimension of 1, got \d+ for '[^']*"
            r"sparse_categorical_crossentropy"
        ),
        _sparse_shapes,
    ),
    (
        # the pair's closing ")" is often lost where the paste ends
        re.compile(rf"logits and labels must have the same shape,? (?:received )?\({_S} vs {_S}"),
        _logits_labels,
    ),
    (
        re.compile(
            r"Dimensions must be equal, but are \d+ and \d+ for '\{\{node (?P<node>[^}]*)\}\} = "
            r"\w+\[[^\]]*\]\((?P<a1>[^,]+), (?P<a2>[^)]+)\)' with input shapes: "
            r"\[(?P<s1>[^\]]*)\], \[(?P<s2>[^\]]*)\]"
        ),
        _loss_dims,
    ),
    (
        re.compile(
            r"Failed to find data adapter that can handle input: [^,]*?(?:(?P<x><class 'list'>)"
            r"|<class '[\w.]+'>), \((?P<y><class 'list'>)?|"
            r"Unrecognized data type(?:: x=.*?\(of type <class '(?:(?P<x2>list)|[\w.]+)'>\))?"
        ),
        _data_adapter,
    ),
    (
        re.compile(
            r"A Concatenate layer requires inputs with matching shapes except for the "
            r"concat(?:enation)? axis\.? ?(?:Received|Got)?:? ?(?:input_shape=)?(\[[^\]]*\])?"
        ),
        _branches,
    ),
    (
        re.compile(
            r"Found (?P<inputs>\d+) input samples and (?P<targets>\d+) target samples|"
            r"All input arrays \(x\) should have the same number of samples\. Got array "
            r"shapes: (?P<shapes>\[.*?\])"
        ),
        _samples_vs_targets,
    ),
    (
        re.compile(
            r"Input to reshape is a tensor with (\d+) values, but the requested shape has (\d+)"
        ),
        _reshape_batch,
    ),
    (
        re.compile(
            r"x \(images tensor\) and y \(labels\) should have the same length\. Found: "
            r"x\.shape = (\([^)]*\)), y\.shape = (\([^)]*\))"
        ),
        _flow_lengths,
    ),
    (
        re.compile(
            r"Specified a list with shape \[((\d+)[\d,]*)\] from a tensor with shape "
            r"\[((\d+)[\d,]*)\]"
        ),
        lambda m, ctx: S.batch(
            int(m.group(2)),
            int(m.group(4)),
            parse_shape(m.group(1)),
            parse_shape(m.group(3)),
            ctx.fitting,
            pasted=True,
        ),
    ),
    (
        re.compile(
            r"Tensor conversion requested dtype (\w+) for Tensor with dtype (\w+)(?::? "
            r"'?(?:<tf\.Tensor |Tensor\()?[\"']?([^\"'\s:]+))?"
        ),
        _conversion,
    ),
    (
        re.compile(r"dimension mismatch in args to gemm \((\d+),(\d+)\)x\((\d+),(\d+)\)->\((\d+),"),
        _gemm_batches,
    ),
    (
        re.compile(rf"expected shape=?\s*{_S},? found shape=?\s*{_S}"),
        _keras3_input,
    ),
    (re.compile(r"Tried to read from index (\d+) but array size is: (\d+)"), _tensor_array),
    # the rank check quoted without the layer it names (the last family: any with the layer
    # comes first)
    (
        re.compile(
            r"(?<![\w=])expected ndim=(\d{1,2}(?!\d)),? found ndim=(\d{1,2}(?!\d))"
            r"(?:\.? Full shape received: "
            r"[\(\[]([^)\]]*)[\)\]])?"
        ),
        _ndim_of_no_layer,
    ),
    # Keras 1/2's rank check retold in a user's words: "Expected 3 dimensions but got only
    # two (144,9)"
    (
        re.compile(
            r"[Ee]xpect(?:ed|s) (?:\w+ ){0,3}?(?P<want>\d)[- ]?(?:D\b|dimensions?\b|dims\b)"
            r"[^.\n]{0,40}?\b(?:got|found|received) (?:only )?(?:a )?(?P<got>\d|one|two|three|"
            r"four)(?:[- ]?D\b| dimensions?\b| dims\b)?(?:[^.\n(\[]{0,40}?(?P<shape>\([\w, ?]*\)|"
            r"\[[\w, ?]*\]))?",
            re.I,
        ),
        _rank_retold,
    ),
    # Theano: an AdvancedSubtensor1 (a row lookup) of an Embedding's weights, (rows, dim)
    (
        re.compile(
            r"index value is out of bounds?\b.{0,400}?Apply node that caused the error: "
            r"\w*AdvancedSubtensor1?\((\w*embedding\w*), .{0,400}?Inputs shapes: \[\((\d+), ?\d+\)",
            re.I,
        ),
        lambda m, ctx: D.vocab_unnamed(int(m.group(2)), ctx.fixes, ctx.call),
    ),
    # Keras 3 / tf-keras: a cell's call multiplies [batch, features] by its kernel
    # [features it was built for, gates x units]; the node name may be cut to "..."
    (
        re.compile(
            r"calling (?:LSTM|GRU|SimpleRNN)Cell\.call\(\)\.? Dimensions must be equal, but are "
            r"(\d+) and (\d+) for [^\n]{0,300}?with input shapes: \[[?\d]+,\1\], \[\2,\d+\]"
        ),
        _matmul,
    ),
    (
        re.compile(
            r"Input \d+ (?:of layer [\"']?([^\"'\s:]+)[\"']? is incompatible with the layer|is "
            r"incompatible with layer ([^\s:]+))\s*:?\.?\s*(?:$|(?=[A-Z][a-z]+ (?!shape)))"
        ),
        _bare_incompatible,
    ),
]
