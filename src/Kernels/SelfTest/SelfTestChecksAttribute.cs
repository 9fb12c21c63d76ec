namespace Trainer.Kernels.SelfTest;

/// <summary>
/// Marks a static method of <see cref="KernelSelfTest"/> that adds the checks of one kernel outside the families:
/// <c>static void AddXxxChecks(Action&lt;string, Func&lt;IKernelBackend, Random, SelfTestResult&gt;&gt; add)</c>, each check's
/// name starting with the table key it launches. <see cref="KernelSelfTest.Checks"/> finds them by reflection (once),
/// so a new kernel's checks are a new file, with no list to edit.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class SelfTestChecksAttribute : Attribute;
