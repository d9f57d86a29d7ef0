Console.WriteLine("placeholder replaced by the benchmark helper");
