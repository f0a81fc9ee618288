"""Writes errors.json: real error messages users posted in public threads, labelled.

Each entry: where it was posted (the thread's address), the Keras generation, the text as
posted (error lines only, with the poster's quirks: wrapped lines, markdown, ``10L``, full-width
commas), and the label the thread confirms (or, marked ``ambiguous``, what the text alone
allows). ``accept`` lists every kind that is a right answer for an ambiguous text; ``decline``
means lstmdiag must not answer (not an input/target shape error). Kept as a script so that
the labels are reviewable as code; run it to regenerate errors.json.
"""

import json
from pathlib import Path

GH = "https://github.com/"
E: list[dict] = []


HELD_OUT = False  # set below: messages gathered after the engine was written, scored once


def add(
    family,
    source,
    keras,
    text,
    kind,
    culprit=None,
    accept=(),
    ambiguous=False,
    expected=None,
    found=None,
    note="",
):
    E.append(
        {
            "id": f"e{len(E) + 1:03d}",
            "family": family,
            "source": source,
            "keras": keras,
            "text": text,
            "kind": kind,
            "culprit": culprit,
            "accept": sorted({kind, *accept}),
            "ambiguous": ambiguous,
            "expected": expected,
            "found": found,
            "note": note,
            "held_out": HELD_OUT,
        }
    )


K12 = "Error when checking input (Keras 1/2)"
# -- Keras 1/2: Error when checking input: expected X to have N dimensions ----------------
add(
    K12,
    GH + "SidiLu001/disk_failure_prediction/issues/1",
    "keras 2",
    "ValueError: Error when checking input: expected lstm_1_input to have 3 dimensions, but "
    "got array with shape (844, 240, 94, 1)",
    "extra-axis",
    "data",
    note="trailing size-1 axis from a reshape for a CNN",
)
add(
    K12,
    GH + "harvitronix/five-video-classification-methods/issues/120",
    "keras 2",
    "expected lstm_1_input to have 3 dimensions\uff0cbut got array with shape (32, 40, 1, 2048)",
    "extra-axis",
    "data",
    note="full-width comma as posted; a size-1 axis 2",
)
add(
    K12,
    GH + "austineaero/Remaining-Useful-Life-RUL-Estimation/issues/13",
    "keras 2",
    "ValueError: Error when checking input: expected input_1 to have 3 dimensions, but got "
    "array with shape (100, 24)",
    "missing-axis",
    "data",
    note="maintainer: 2-D (samples, features), needs windows (N, 50, 24)",
)
add(
    K12,
    GH + "jahyeha/product-matching-model/issues/2",
    "keras 2",
    "ValueError: Error when checking input: expected lstm_1_input to have 3 dimensions, but got "
    "array with shape (0, 30)",
    "empty",
    "data",
    note="X_train came out empty",
)
add(
    K12,
    GH + "tensorflow/tfjs/issues/6553",
    "tfjs",
    "Error:Error when checking input: expected lstm_LSTM1_input to have 3 dimension(s). but got "
    "array with shape 1606,73",
    "missing-axis",
    "data",
    note="tfjs wording; maintainer: reshape the input to 3 dimensions",
)
add(
    K12,
    GH + "keras-team/keras-applications/issues/144",
    "keras 2",
    "Error when checking input: expected input_17 to have 3 dimensions, but got array with "
    "shape (6, 64)",
    "missing-batch",
    "data",
    accept=("missing-axis",),
    ambiguous=True,
    note="Input(shape=(None, 64)): one variable-length sequence without a batch axis",
)
add(
    K12,
    GH + "keras-team/keras/issues/13651",
    "keras 2",
    "ValueError: Error when checking input: expected input_4 to have 2 dimensions, but got "
    "array with shape (1, 1, 24)",
    "extra-axis",
    "data",
)
add(
    K12,
    GH + "keras-team/keras/issues/9617",
    "keras 2",
    "ValueError: Error when checking : expected lstm_1_input to have 3 dimensions, but got array "
    "with shape (50, 9)",
    "missing-batch",
    "data",
    accept=("missing-axis",),
    ambiguous=True,
    note="model.summary shows (None, 50, ...): one sequence of 50 x 9 without a batch axis",
)
add(
    K12,
    GH + "keras-team/keras/issues/12279",
    "keras 2",
    "Error when checking input: expected lstm_9_input to have 3 dimensions, but got array with "
    "shape (51, 10)",
    "missing-axis",
    "data",
    note="a CSV table of 51 rows x 10 columns",
)
add(
    K12,
    GH + "jaungiers/LSTM-Neural-Network-for-Time-Series-Prediction/issues/39",
    "keras 2",
    "ValueError: Error when checking input: expected lstm_1_input to have 3 dimensions, but got "
    "array with shape (8, 1)",
    "missing-axis",
    "data",
    accept=("missing-batch",),
    ambiguous=True,
    note="a generator yielding 2-D batches",
)
add(
    K12,
    GH + "keras-team/keras/issues/10235",
    "keras 2",
    "ValueError: Error when checking input: expected conv_lst_m2d_1_input to have 5 dimensions, "
    "but got array with shape (668, 677, 1, 676)",
    "missing-axis",
    "data",
    note="ConvLSTM2D takes (samples, time, rows, cols, channels)",
)
add(
    K12,
    GH + "keras-team/keras/issues/6351",
    "keras 2",
    "ValueError: Error when checking input: expected lstm_1_input to have shape (973, 215) but "
    "got array with shape (61, 215)",
    "timesteps",
    "data",
    expected=[None, 973, 215],
    found=[None, 61, 215],
    note="model built with the training length 973, test data has 61 steps",
)
add(
    K12,
    GH + "keras-team/keras/issues/7403",
    "keras 2",
    "ValueError: Error when checking input: expected dense_1_input to have shape (973, 215) but "
    "got array with shape (61, 215)",
    "timesteps",
    "data",
    expected=[None, 973, 215],
    found=[None, 61, 215],
)
add(
    K12,
    GH + "avisingh599/visual-qa/issues/29",
    "keras 1",
    "Exception: Error when checking model input: expected lstm_input_1 to have shape (None, 30, "
    "300) but got array with shape (128, 5, 300)",
    "timesteps",
    "data",
    expected=[None, 30, 300],
    found=[128, 5, 300],
    note="Keras 1 wording, shapes with batch",
)
add(
    K12,
    GH + "acvictor/Obama-Lip-Sync/issues/6",
    "keras 2 (python 2)",
    "ValueError: Error when checking input: expected lstm_1_input to have shape (50, 39) but got "
    "array with shape (10L, 39L)",
    "timesteps",
    "data",
    expected=[None, 50, 39],
    found=[None, 10, 39],
    note="maintainer: the look-back is 10, not 50",
)
add(
    K12,
    GH + "keras-team/keras/issues/12279",
    "keras 2",
    "Error when checking input: expected lstm_29_input to have shape (None, None, 2) but got "
    "array with shape (51, 1, 10)",
    "features",
    "data",
    expected=[None, None, 2],
    found=[51, 1, 10],
)
add(
    K12,
    GH + "aurelia/cli/issues/920",
    "keras 2.2",
    "ValueError: Error when checking input: expected lstm_11_input to have shape (372, 1) but "
    "got array with shape (1, 28)",
    "features",
    "data",
    accept=("timesteps",),
    ambiguous=True,
    note="both axes differ; padding cannot fix the feature axis",
)

T = "Error when checking target / loss"
add(
    T,
    GH + "keras-team/keras/issues/10015",
    "keras 2",
    "Error when checking target: expected activation_11 to have shape (90, 10) but got array "
    "with shape (10, 2)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/7587",
    "keras 2",
    "ValueError: Error when checking target: expected dense_1 to have shape (None, 10) but got "
    "array with shape (19541, 1)",
    "target",
    "data",
)
add(
    T,
    GH + "richliao/textClassifier/issues/39",
    "keras 2",
    "ValueError: Error when checking target: expected dense_1 to have 2 dimensions, but got "
    "array with shape (40261, 2, 2)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/11252",
    "keras 2",
    "ValueError: Error when checking target: expected lstm_6 to have 3 dimensions, but got "
    "array with shape (9, 15)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/6318",
    "keras 2",
    "ValueError: Error when checking model target: expected time_distributed_1 to have 3 "
    "dimensions, but got array with shape (1822, 1)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/9233",
    "keras 2",
    "Error when checking target: expected dense_10 to have 2 dimensions, but got array with "
    "shape (2560, 69, 3)",
    "target",
    "data",
    note="fchollet: targets should be (samples, classes)",
)
add(
    T,
    GH + "tlkh/text-emotion-classification/issues/17",
    "keras 2",
    "when checking target: expected dense_6 to have shape (6,) but got array with shape (5,)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/11554",
    "keras 2",
    "Value Error: Error when checking target: expected dense_33 to have 2 dimensions, but got "
    "array with shape\n (64, 20, 1).",
    "target",
    "data",
    note="line-wrapped as posted",
)
add(
    T,
    GH + "keras-team/keras/issues/12378",
    "keras 2",
    "Error when checking target: expected dense_143 to have shape (None, 3) but got array with "
    "shape (6210, 1)",
    "target",
    "data",
)
add(
    T,
    GH + "ismorphism/DeepECG/pull/7",
    "keras 3",
    "Arguments target and output must have the same rank (ndim). Received: "
    "target.shape=(32, 1, 4), output.shape=(32, 4)",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/17368",
    "tf.keras 2",
    "Node: 'sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits/"
    "SparseSoftmaxCrossEntropyWithLogits'\nlogits and labels must have the same first "
    "dimension, got logits shape [32,271573] and labels shape [960]",
    "target",
    "data",
)
add(
    T,
    GH + "tensorflow/tensorflow/issues/7015",
    "tf 1",
    "InvalidArgumentError (see above for traceback): logits and labels must have the same "
    "first dimension, got logits shape [400,10000] and labels shape [420]",
    "target",
    "data",
)
add(
    T,
    GH + "tensorflow/tensorflow/issues/28226",
    "tf 1.13",
    "InvalidArgumentError: logits and labels must have the same first dimension, got logits "
    "shape [1,50] and labels shape [50]",
    "target",
    "data",
)
add(
    T,
    GH + "keras-team/keras/issues/13097",
    "keras 2",
    "InvalidArgumentError: indices[1038,1] = 509 is not in [0, 500) "
    "[[{{node loss_6/dense_14_loss/embedding_lookup}}]]",
    "target",
    "data",
    note="raised inside the loss: a label id beyond the output units, not a vocabulary",
)
add(
    T,
    GH + "tensorflow/tensorflow/issues/9801",
    "keras 2 / tf 1",
    "ValueError: Cannot feed value of shape (1, 40, 3) for Tensor "
    "u'cls1_fc_pose_xyz_target:0', which has shape '(?, ?)'",
    "target",
    "data",
)
add(
    T,
    GH + "lilianweng/stock-rnn/issues/24",
    "tf 1",
    "ValueError: Cannot feed value of shape (0,) for Tensor 'stock_labels:0', which has shape "
    "'(?, 1)'",
    "target",
    "data",
)
add(
    T,
    GH + "tensorflow/tensorflow/issues/48660",
    "tf.keras 2",
    "ValueError: Data cardinality is ambiguous:\n  x sizes: 30000\n  y sizes: 50000\nMake sure "
    "all arrays contain the same number of samples.",
    "target",
    "data",
)
add(
    T,
    GH + "tensorflow/tensorflow/issues/47105",
    "tf.keras 2.4",
    "Data cardinality is ambiguous: x sizes: 60000 y sizes: 10000 Please provide data which "
    "shares the same first dimension.",
    "target",
    "data",
    note="y_test passed with x_train",
)
add(
    T,
    GH + "fchollet/deep-learning-with-python-notebooks/issues/199",
    "tf.keras 2",
    "Data cardinality is ambiguous: x sizes: 55008 y sizes: 19646 Make sure all arrays contain "
    "the same number of samples.",
    "target",
    "data",
)

L = "Input 0 ... incompatible with the layer"
add(
    L,
    GH + "SidiLu001/disk_failure_prediction/issues/1",
    "tf.keras 2.x",
    "ValueError: Input 0 of layer sequential is incompatible with the layer: expected ndim=3, "
    "found ndim=4. Full shape received: [None, 240, 94, 1]",
    "extra-axis",
    "data",
)
add(
    L,
    GH + "molson194/LSTM-Stock-Prediction/issues/1",
    "tf.keras 2.x",
    "ValueError: Input 0 of layer sequential is incompatible with the layer: expected ndim=3, "
    "found ndim=4. Full shape received: [None, 1, 60, 2]",
    "extra-axis",
    "data",
)
add(
    L,
    GH + "tensorflow/tensorflow/issues/48138",
    "tf 2.4",
    "Input 0 of layer sequential is incompatible with the layer: expected ndim=3, found ndim=2. "
    "Full shape received: (1, 60)",
    "missing-axis",
    "data",
    accept=("missing-batch",),
    ambiguous=True,
    note="(1, 60): one sample of 60 values without a feature (or time) axis",
)
add(
    L,
    GH + "tensorflow/tensorflow/issues/45634",
    "tf 2.3",
    "ValueError: Input 0 of layer sequential_7 is incompatible with the layer: expected ndim=3, "
    "found ndim=4. Full shape received: [9, 8, 6, 5]",
    "extra-axis",
    "data",
    note="LSTM takes rank 3: merge the leading axes",
)
add(
    L,
    GH + "keras-team/keras/issues/14836",
    "tf.keras 2.5",
    "ValueError: Input 0 of layer sequential_10 is incompatible with the layer: expected "
    "ndim=5, found ndim=4. Full shape received: (None, None, None, None)",
    "missing-axis",
    "data",
    note="an image generator feeds single frames to a CNN+LSTM over frame sequences",
)
add(
    L,
    GH + "keras-team/keras/issues/19951",
    "keras 3.4",
    'Input 0 of layer "priority" is incompatible with the layer: expected axis -1 of input '
    "shape to have value 172, but received input with shape (32, 170)",
    "features",
    note="the guide's model was built for another number of tags",
)
add(
    L,
    GH + "tensorflow/tensorflow/issues/53728",
    "tf 2.7",
    'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
    "shape=(None, 1, 4), found shape=(None, 1, 34)",
    "features",
    "data",
    expected=[None, 1, 4],
    found=[None, 1, 34],
)
add(
    L,
    GH + "Housiadas/forecasting-energy-consumption-LSTM/issues/4",
    "tf 2.x",
    "Input 0 is incompatible with layer sequential: expected shape=(64, None, 4), found "
    "shape=[32, 100, 4]",
    "batch",
    "data",
    note="stateful model with batch 64, last batch 32",
)
add(
    L,
    GH + "karolzak/keras-unet/issues/46",
    "tf.keras 2",
    "ValueError: Input 0 is incompatible with layer model: expected shape=(None, 9, 4), found "
    "shape=(9, 4).",
    "missing-batch",
    "data",
)
add(
    L,
    GH + "keras-team/keras/issues/9763",
    "keras 2",
    "ValueError: Input 0 is incompatible with layer bidirectional_1: expected ndim=5, found ndim=4",
    "model-structure",
    "model",
    note="ConvLSTM2D wrapped in Bidirectional, 4-D input",
)
add(
    L,
    GH + "rstudio/keras3/issues/220",
    "keras 2",
    "ValueError: Input 0 is incompatible with layer conv_lst_m2d_5: expected ndim=5, found ndim=4",
    "model-structure",
    "model",
    note="jjallaire: ConvLSTM2D has a time dimension",
)
add(
    L,
    GH + "keras-team/keras/issues/10235",
    "keras 2.1.5",
    "ValueError: Input 0 is incompatible with layer conv_lst_m2d_4: expected ndim=5, found ndim=6",
    "model-structure",
    "model",
    note="input_shape=x_train.shape includes the batch",
)
add(
    L,
    GH + "keras-team/keras/issues/5447",
    "keras 1.2.2",
    "Input 0 is incompatible with layer lstm_2: expected ndim=3, found ndim=2",
    "model-structure",
    "model",
    note="second LSTM without return_sequences on the first",
)
add(
    L,
    GH + "bibtissam/LSTM-Attention-FraudDetection/pull/3",
    "keras 2.x",
    'ValueError: Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, '
    "found ndim=2. Full shape received: (None, 50)",
    "model-structure",
    "model",
    note="fixed by return_sequences=True",
)
add(
    L,
    GH + "keras-team/keras/issues/2415",
    "keras 1",
    "Input 0 is incompatible with layer dense_1: expected ndim=2, found ndim=3",
    "model-structure",
    "model",
    note="return_sequences=True before a Keras 1 Dense",
)
add(
    L,
    GH + "tensorflow/tensorflow/issues/46794",
    "tf 2.4",
    "ValueError: Input 0 of layer encoder1_ is incompatible with the layer: expected ndim=3, "
    "found ndim=4. Full shape received: (None, 64, 4, 850)",
    "model-structure",
    "model",
    note="a custom layer returns 4-D into an LSTM; fixed by a reshape in the model",
)
add(
    L,
    GH + "keras-team/tf-keras/issues/440",
    "tf.keras 2.x",
    "ValueError: Input 0 of layer lstm_112 is incompatible with the layer: expected ndim=3, "
    "found ndim=4. Full shape received: (1, 72, 110907, 200)\n---> 18 model = "
    "define_model(vocab_size,max_len)\n----> 6 lstm1 = LSTM(256, return_sequences=True)(drop1)",
    "model-structure",
    "model",
    note="Embedding applied to one-hot (max_length, vocab) input",
)
add(
    L,
    GH + "shreyans29/thesemicolon/issues/5",
    "keras 2.0 (theano)",
    'File "model.py", line 20, in <module>\n    model.add(LSTM(output_dim=300,input_shape='
    "x_train.shape[1:],return_sequences=True))\nValueError: Input 0 is incompatible with layer "
    "lstm_1: expected ndim=3, found ndim=2",
    "model-structure",
    "model",
    note="input_shape=(15,) from a 2-D table",
)
add(
    L,
    GH + "iamrakesh28/Video-Prediction/issues/4",
    "tf 2.x",
    "Input 0 of layer conv2d is incompatible with the layer: expected ndim=4, found ndim=5. "
    "Full shape received: [8, 5, 40, 40, 1]",
    "model-structure",
    "model",
    accept=("extra-axis",),
    ambiguous=True,
    note="Conv2D applied to frame sequences inside the model",
)
add(
    L,
    GH + "keras-team/keras/issues/3385",
    "keras 1",
    "Exception: Input 0 is incompatible with layer convolution2d_2: expected ndim=4, found ndim=3",
    "model-structure",
    "model",
    note="Reshape without the channel axis",
)
add(
    L,
    GH + "keras-team/keras/issues/2724",
    "keras 1",
    "Exception: Input 0 is incompatible with layer dense_1: expected ndim=2, found ndim=4",
    "model-structure",
    "model",
    note="Dense after Convolution2D without Flatten",
)

K3 = "Invalid input shape (Keras 3)"
add(
    K3,
    "code corpus: a Kaggle notebook log (find_string id 71575372119)",
    "keras 3",
    "ValueError: Exception encountered when calling Sequential.call().\n\nInvalid input shape "
    'for input Tensor("data:0", shape=(224, 224, 3), dtype=float32). Expected shape (None, '
    "224, 224, 3), but input has incompatible shape (224, 224, 3)",
    "missing-batch",
    "data",
    note="a tf.data pipeline without .batch()",
)
add(
    K3,
    "code corpus: a DQN homework log (find_string id 66895196647)",
    "keras 3",
    "ValueError: Invalid input shape for input\nExpected shape (None, 64), but input has "
    "incompatible shape (32, 1, 64)",
    "extra-axis",
    "data",
    note="fixed by np.squeeze(states, axis=1)",
)
add(
    K3,
    "code corpus: a test fixture of Keras 3 messages (find_string id 68338231043)",
    "keras 3",
    'ValueError: Invalid input shape for input Tensor("data:0", shape=(4,), dtype=float32).\n'
    "Expected shape (None, 4), but input has incompatible shape (4,)",
    "missing-batch",
    "data",
)
add(
    K3,
    GH + "keras-team/keras/issues/15016",
    "tf 2.4",
    "ValueError: Dimensions must be equal, but are 10 and 5 for '{{node MatMul}} = "
    "MatMul[T=DT_FLOAT, transpose_a=false, transpose_b=false](strided_slice_1, kernel)'",
    "features",
    "data",
    note="Input declared 10 features, data has 5",
)

W = "Model was constructed with shape (warning)"
add(
    W,
    GH + "ndrplz/surround_vehicles_awareness/issues/17",
    "tf 2.x",
    "Model was constructed with shape (None, None, None, 3) for input KerasTensor, but it was "
    "called on an input with incompatible shape (None, 3, 224, 224)",
    "features",
    "data",
    note="channels-first data into a channels-last model",
)
add(
    W,
    GH + "sebastian-sz/efficientnet-v2-keras/issues/2",
    "tf 2.x",
    "WARNING:tensorflow:Model was constructed with shape (None, 15) for input "
    "KerasTensor(type_spec=TensorSpec(shape=(None, 15), dtype=tf.float32, name='A2'), name='A2', "
    "description=\"created by layer 'A2'\"), but it was called on an input with incompatible "
    "shape (None, 1).",
    "features",
    "data",
)

TF1 = "Cannot feed value (TF1)"
add(
    TF1,
    GH + "tflearn/tflearn/issues/410",
    "tflearn / tf 1",
    "ValueError: Cannot feed value of shape (13, 16) for Tensor InputData/X:0, which has shape "
    "(?, 1, 16)",
    "missing-axis",
    "data",
    note="maintainer: reshape the test input (-1, 1, 16)",
)
add(
    TF1,
    GH + "monikkinom/ner-lstm/issues/12",
    "tf 1",
    "ValueError: Cannot feed value of shape (128, 40, 207) for Tensor 'Placeholder:0', which "
    "has shape '(?, 40, 200)'",
    "features",
    "data",
    expected=[None, 40, 200],
    found=[128, 40, 207],
)
add(
    TF1,
    GH + "monikkinom/ner-lstm/issues/14",
    "tf 1 (python 2)",
    "ValueError: Cannot feed value of shape (4, 1000, 122) for Tensor u'Placeholder:0', which "
    "has shape '(?, 1000, 111)'",
    "features",
    "data",
)
add(
    TF1,
    GH + "tensorflow/tensorflow/issues/17381",
    "tf 1",
    "Cannot feed value of shape (64, 25, 9) for Tensor 'Placeholder:0', which has shape "
    "'(?, 25, 25)'",
    "features",
    "data",
)
add(
    TF1,
    GH + "tensorflow/models/issues/496",
    "tf 1",
    "ValueError: Cannot feed value of shape (1, 20) for Tensor u'inputs_in:0', which has shape "
    "'(1, 1)'",
    "timesteps",
    "data",
    accept=("features",),
    ambiguous=True,
    note="lm_1b takes one timestep per call; a 2-D placeholder's axis 1 may be time or features",
)

ST = "stateful RNN batch size"
add(
    ST,
    GH + "microsoft/nni/issues/3035",
    "tf 2.3",
    "ValueError: If a RNN is stateful, it needs to know its batch size. Specify the batch size "
    "of your input tensors: \n- If using a Sequential model, specify the batch size by passing "
    "a `batch_input_shape` argument to your first layer.",
    "batch",
    "model",
)
add(
    ST,
    GH + "keras-team/keras/issues/1125",
    "keras 0.3",
    "Exception: If a RNN is stateful, a complete input_shape must be provided (including batch "
    "size).",
    "batch",
    "model",
    note="fchollet: use batch_input_shape",
)
add(
    ST,
    GH + "SciSharp/Keras.NET/issues/57",
    "keras 2 (via .NET)",
    '{"ValueError : If a RNN is stateful, it needs to know its batch size. Specify the batch '
    "size of your input tensors: \\n- \\nIf using a Sequential model, specify the batch size by "
    'passing a `batch_input_shape` argument to your first layer."}',
    "batch",
    "model",
)
add(
    ST,
    GH + "USGS-R/river-dl/issues/107",
    "tf 2.x",
    "ValueError: in user code:\n    ValueError: If a RNN is stateful, it needs to know its batch "
    "size. Specify the batch size of your input tensors:",
    "batch",
    "model",
)
add(
    ST,
    GH + "tensorflow/tensorflow/issues/64061",
    "tf 2.16 / keras 3",
    "ValueError: When using `stateful=True` in a RNN, the batch size must be static. Found "
    "dynamic batch size: sequence.shape=(None, xx, xx)",
    "batch",
    "model",
)

V = "Embedding indices out of range"
for url, text in (
    (
        "keras-team/keras/issues/14367",
        "InvalidArgumentError:  indices[120,2] = -1 is not in [0, "
        "10)\n\t [[node sequential_3/embedding_3/embedding_lookup]]",
    ),
    (
        "keras-team/keras/issues/13922",
        "tensorflow.python.framework.errors_impl."
        "InvalidArgumentError: indices[6,11] = -1 is not in [0, 2000)\n\t [[{{node "
        "embedding_1/embedding_lookup}}]]",
    ),
    (
        "tensorflow/tensorflow/issues/42375",
        "InvalidArgumentError: indices[28,46] = -1 is not in "
        "[0, 1000) [[node functional_3/embedding_4/embedding_lookup]]",
    ),
    (
        "tensorflow/tensorflow/issues/37254",
        "InvalidArgumentError: indices[0,4] = 10 is not in "
        "[0, 10) [[node model/embedding_2/embedding_lookup]]",
    ),
    (
        "sedflix/DeepCoherence/issues/4",
        "tensorflow.python.framework.errors_impl."
        "InvalidArgumentError: indices[0,0] = -1 is not in [0, 400001)\n [[{{node "
        "embedding_1/embedding_lookup}}]]",
    ),
    (
        "adeshpande3/LSTM-Sentiment-Analysis/issues/25",
        "InvalidArgumentError: indices[23,4] = "
        "27689 is not in [0, 27689)\n\t [[Node: embedding_lookup = Gather[Tindices=DT_INT32]]]",
    ),
    (
        "keras-team/keras/issues/11819",
        "InvalidArgumentError (see above for traceback): "
        "**indices[6,4]** = 23624 is not in [0, 23624)",
    ),
    (
        "tensorflow/tensorflow/issues/59709",
        "Node: 'sequential/embedding/embedding_lookup' "
        "indices[0,57] = 1544453 is not in [0, 1498136) [[{{node "
        "sequential/embedding/embedding_lookup}}]]",
    ),
):
    add(V, GH + url, "keras 2 / tf 2", text, "vocab", "data")

R = "object / ragged arrays"
add(
    R,
    GH + "adamkusey/securitai-lstm-model/issues/5",
    "tf 2.x",
    "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type int).",
    "dtype",
    "data",
)
add(
    R,
    GH + "santhisenan/DeepDefense/issues/4",
    "tf 2.x",
    "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type int).",
    "dtype",
    "data",
    note="fixed by np.asarray(X).astype(np.float32)",
)
add(
    R,
    GH + "nicknochnack/Tensorflow-in-10-Minutes/issues/2",
    "tf 2.x",
    "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type int).",
    "dtype",
    "data",
    note="fixed by astype('float32')",
)
add(
    R,
    GH + "pushpendughosh/Stock-market-forecasting/issues/7",
    "tf 2.x",
    "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type float).",
    "dtype",
    "data",
)
add(
    R,
    GH + "maciej-cecot/brand-detection/issues/2",
    "tf 2.x",
    "[ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type list).]",
    "ragged",
    "data",
    note="a list of variable-length sequences",
)
add(
    R,
    GH + "keras-team/keras-io/issues/1132",
    "tf 2.10",
    "ValueError: Can't convert non-rectangular Python sequence to Tensor.",
    "ragged",
    "data",
    note="maintainer: a ragged list",
)
add(
    R,
    GH + "stijani/tutorial/issues/3",
    "tf 2.3",
    "ValueError: Can't convert non-rectangular Python sequence to Tensor.",
    "ragged",
    "data",
)

C = "Data cardinality (inputs)"
add(
    C,
    GH + "tensorflow/tensorflow/issues/48256",
    "tf.keras 2",
    "ValueError: Data cardinality is ambiguous: x sizes: 50, 100 y sizes: 50, 100 Please "
    "provide data which shares the same first dimension.",
    "batch",
    "data",
)
add(
    C,
    GH + "yacoubb/stock-trading-ml/issues/18",
    "tf 2.x",
    "ValueError: Data cardinality is ambiguous:\n  x sizes: 50, 1\nPlease provide data which "
    "shares the same first dimension.",
    "batch",
    "data",
    accept=("input-count",),
    ambiguous=True,
    note="extra brackets around the two inputs",
)
add(
    C,
    GH + "jasmcaus/opencv-course/issues/7",
    "tf.keras 2",
    "ValueError: Data cardinality is ambiguous:\n  x sizes: 80, 80, 80, 80, 80, 80, 80, 80, 80",
    "input-count",
    "data",
    note="a Python list of images passed as x",
)

M = "model structure (Keras 0)"
add(
    M,
    GH + "skyduy/CNN_keras/issues/4",
    "keras 0",
    "layer expected input with ndim=4 but previous layer has output_shape (None, None, 300)",
    "model-structure",
    "model",
)

DECLINE = "not a shape error (declined)"
add(
    DECLINE,
    GH + "tensorflow/tensorflow/issues/50784",
    "tf 2.4",
    "NotImplementedError: Cannot convert a symbolic Tensor (lstm_20/strided_slice:0) to a numpy "
    "array. This error may indicate that you're trying to pass a Tensor to a NumPy call, which "
    "is not supported",
    "decline",
    note="a numpy/TensorFlow version clash",
)
add(
    DECLINE,
    GH + "tensorflow/tensorflow/issues/36792",
    "tf 2.1",
    "NotImplementedError: Cannot convert a symbolic Tensor (Neg_1:0) to a numpy array",
    "decline",
)
add(
    DECLINE,
    GH + "tensorflow/tensorflow/issues/17353",
    "tf 1 (object detection)",
    "Error indices[0] = 0 is not in [0, 0) while training an object-detection model",
    "decline",
    note="an empty label map, not an Embedding",
)
add(
    DECLINE,
    GH + "MousaviSajad/ECG-Heartbeat-Classification-seq2seq-model/issues/15",
    "tf 1",
    'Argument `inputs` must be a sequence. Received: Tensor("Reshape_3:0", shape=(?, 10, 384), '
    "dtype=int32)",
    "decline",
)
add(
    DECLINE,
    GH + "keras-team/keras/issues/8029",
    "keras 2.0.8",
    "InvalidArgumentError (see above for traceback): Incompatible shapes: [64,59,93] vs. [1,93,1]",
    "decline",
    note="image data format (channels), not a sequence input",
)
add(
    DECLINE,
    GH + "snakeztc/NeuralDialog-CVAE/issues/7",
    "tf 1",
    "ValueError: Shape must be rank 2 but is rank 3 for 'model/concat' (op: 'ConcatV2') with "
    "input shapes: [?,30], [?,4], [?,4], [2,?,600], [].",
    "decline",
)

# -- held out: gathered after the engine was frozen; their first-try score is in the README
HELD_OUT = True
add(
    K12,
    GH + "keras-team/keras/issues/10808",
    "keras 2.1",
    "ValueError: Error when checking input: gru_4 input to have shape (None, None, 10) but got "
    "array with shape (1, 4, 1)",
    "features",
    "data",
)
add(
    K12,
    GH + "autonomio/talos/issues/47",
    "keras 2",
    "ValueError: Error when checking input: expected gru_1_input to have 3 dimensions, but got "
    "array with shape (35361, 21)",
    "missing-axis",
    "data",
    note="a table, input_shape=(None, 21)",
)
add(
    M,
    GH + "keras-team/keras/issues/1055",
    "keras 0.2",
    "AssertionError: Incompatible shapes: layer expected input with ndim=2 but previous layer "
    "has output_shape (None, 16, 128)",
    "model-structure",
    "model",
    note="Dense after GRU(return_sequences=True)",
)
add(
    K12,
    GH + "MattVitelli/GRUV/issues/38",
    "keras 2",
    "ValueError: Error when checking input: expected time_distributed_1_input to have shape "
    "(40, 22050) but got array with shape (41, 22050)",
    "timesteps",
    "data",
    note="the seed sequence grows by one step per iteration",
)
add(
    K12,
    GH + "keras-team/keras/issues/6288",
    "keras 1 (python 2)",
    "ValueError: Error when checking model input: expected input_1 to have 3 dimensions, but got "
    "array with shape (0L, 1L)",
    "empty",
    "data",
)
add(
    K12,
    "https://www.pythond.com/52081/como-procesar-la-forma-de-entrada-y-salida-para-keras-lstm.html",
    "keras 1",
    "Exception: Error when checking model input: expected lstm_input_9 to have 3 dimensions, but "
    "got array with shape (100, 9)",
    "missing-axis",
    "data",
    note="answer: X.reshape(X.shape + (1,)): 9 timesteps of one feature",
)
add(
    K12,
    GH + "alexander-rakhlin/CNN-for-Sentence-Classification-in-Keras/issues/27",
    "keras 2",
    "ValueError: Error when checking input: expected input_4 to have shape (None, 185) but got "
    "array with shape (1665, 35)",
    "timesteps",
    "data",
    accept=("features",),
    ambiguous=True,
    note="token ids padded to 35, the model takes 185; the text cannot tell ids from features",
)
add(
    K12,
    GH + "keras-team/keras/issues/13198",
    "keras 2",
    "ValueError: Error when checking input: expected embedding_6_input to have shape (18,) but "
    "got array with shape (2000,)",
    "timesteps",
    "data",
    accept=("features",),
    ambiguous=True,
)
add(
    K12,
    GH + "enriqueav/lstm_lyrics/issues/15",
    "keras 2.2.4",
    "ValueError: Error when checking input: expected embedding_1_input to have 2 dimensions, but "
    "got array with shape (1, 10, 12952)",
    "extra-axis",
    "data",
    note="fixed by predicting on x_pred[0]",
)
add(
    K12,
    GH + "keras-team/keras/issues/815",
    "keras 0.x (theano)",
    'TypeError: (\'Bad input argument to theano function with name "models.py:402" at index '
    "1(0-based)', 'Wrong number of dimensions: expected 3, got 2 with shape (9, 30).')",
    "target",
    "data",
    accept=("missing-axis", "model-structure"),
    ambiguous=True,
    note="relabelled (was missing-axis, from reasoning): Keras 0.x Sequential.compile passes "
    "[X, y, weights] to theano.function, so index 1 is y, the targets, unless X is a list of "
    "inputs; the thread's confirmed fix is not recorded",
)
add(
    K12,
    GH + "keras-team/keras/issues/1881",
    "keras 0.x (theano)",
    'TypeError:(\'Bad input argument to theano function with name "theano_backend.py:380" at '
    "index 0(0-based)','Wrong number of dimensions:expected 3,got 1 with shape(128,).')",
    "missing-axis",
    "data",
    accept=("missing-batch",),
    ambiguous=True,
)
add(
    K12,
    GH + "AniSkywalker/SarcasmDetection/issues/2",
    "keras 2",
    "Error: Error when checking : expected embedding_1_input to have shape (None, 30) but got "
    "array with shape (2000, 50)",
    "timesteps",
    "data",
    note="token sequences of 50, model: 30",
)
add(
    K12,
    GH + "bhaveshoswal/CNN-text-classification-keras/issues/1",
    "keras 2",
    "ValueError: Error when checking input: expected input_14 to have shape (None, 1850) but got "
    "array with shape (1480, 1)",
    "timesteps",
    "data",
    accept=("features",),
    ambiguous=True,
    note="maintainer: X_train should be (1480, 1850)",
)
add(
    L,
    GH + "petrpan26/Aivivn_1/issues/15",
    "keras 2.2",
    '  File "/content/drive/My Drive/Aivivn_1/scripts/rnn.py", line 198, in HRNN\n    word_lstm '
    "= Bidirectional(CuDNNLSTM(128))(embed)\nValueError: Input 0 is incompatible with layer "
    "bidirectional_1: expected ndim=3, found ndim=4",
    "model-structure",
    "model",
)
add(
    L,
    GH + "thibo73800/tensorflow2.0-examples/issues/5",
    "tf 2.8",
    'Input 0 of layer "lstm" is incompatible with the layer: expected shape=(64, None, 40), '
    "found shape=(32, 50, 40)",
    "batch",
    "data",
)
add(
    L,
    GH + "Zi-hao-Wei/MIT-Battery-Dataset-RUL-prediction-by-naive-LSTM/issues/1",
    "tf 2.x",
    'ValueError: Input 0 of layer "sequential" is incompatible with the layer: expected '
    "shape=(None, 20, 1), found shape=(None, 100, 2)",
    "features",
    "data",
    accept=("timesteps",),
    ambiguous=True,
    note="both axes differ: another preprocessing",
)
add(
    DECLINE,
    GH + "minqi/hnatt/issues/1",
    "tf 1",
    "Inputs to operation bidirectional_2/while/Select_1 of type Select must have the same size "
    "and shape.",
    "decline",
)
add(
    K12,
    GH + "tflearn/tflearn/issues/1116",
    "tflearn / tf 1",
    "ValueError: Shape (128, ?) must have rank at least 3",
    "missing-axis",
    "data",
)

if __name__ == "__main__":
    out = Path(__file__).with_name("errors.json")
    out.write_text(json.dumps(E, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(E)} messages to {out}")
