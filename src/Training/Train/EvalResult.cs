namespace Trainer.Training.Train;

/// <summary>
/// What <see cref="Model.Eval(Data.PrefetchingBatchLoader)"/> measures over a data set, as MindSpore's
/// <c>model.eval</c> returns its metrics: the mean batch loss (the tutorial's "Avg loss") and the accuracy.
/// </summary>
/// <param name="Accuracy">The fraction of rows whose largest logit is at the label, 0 to 1.</param>
/// <param name="Loss">The mean over batches of each batch's mean loss.</param>
/// <param name="Correct">Rows predicted correctly.</param>
/// <param name="Total">Rows evaluated.</param>
public sealed record EvalResult(double Accuracy, double Loss, long Correct, long Total);
